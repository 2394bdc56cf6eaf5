// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.fortanix;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.openccm.server.Api;
import tools.jackson.databind.JsonNode;

/** The validator the conformance test trusts: it must see what a strict generated client would trip on. */
class SwaggerSchemaValidatorTest {
    private static final JsonNode DOCUMENT = Api.JSON.readTree("""
            {"definitions": {
              "Zone": {"type": "object", "required": ["zone_id", "node_enrollment"], "properties": {
                "zone_id": {"type": "string", "format": "uuid"},
                "refresh": {"type": "integer", "format": "int32"},
                "node_enrollment": {"$ref": "#/definitions/Enrollment"}}},
              "Enrollment": {"type": "object", "properties": {"insecure": {"type": "boolean"}}},
              "Tasks": {"type": "object", "properties": {"items": {"type": "array", "items": {"$ref": "#/definitions/Task"}}}},
              "Task": {"type": "object", "additionalProperties": false, "properties": {
                "status": {"type": "string", "enum": ["INPROGRESS", "SUCCESS", "FAILED", "DENIED"]}}}}}
            """);
    private final SwaggerSchemaValidator validator = new SwaggerSchemaValidator(DOCUMENT);

    @Test
    void acceptsAValidDocument() {
        assertThat(validate("Zone", "{\"zone_id\": \"z\", \"refresh\": 60, \"node_enrollment\": {\"insecure\": false}, \"extra\": 1}")).isEmpty();
        assertThat(validate("Tasks", "{\"items\": [{\"status\": \"SUCCESS\"}]}")).isEmpty();
    }

    @Test
    void reportsAMissingRequiredField() {
        assertThat(validate("Zone", "{\"zone_id\": \"z\"}")).containsExactly("$: missing required node_enrollment");
    }

    @Test
    void reportsAValueOutsideTheEnum() {
        assertThat(validate("Tasks", "{\"items\": [{\"status\": \"SUCCESS\"}, {\"status\": \"PENDING\"}]}"))
                .containsExactly("$.items[1].status: \"PENDING\" not in [INPROGRESS, SUCCESS, FAILED, DENIED]");
    }

    @Test
    void reportsAWrongTypeAnOutOfRangeIntegerANullAndAnUnexpectedProperty() {
        assertThat(validate("Zone", "{\"zone_id\": 7, \"refresh\": 3000000000, \"node_enrollment\": null}")).containsExactly(
                "$.zone_id: expected string, got integer 7",
                "$.refresh: 3000000000 out of int32 range",
                "$.node_enrollment: null where object is required");
        assertThat(validate("Tasks", "{\"items\": [{\"state\": \"x\"}]}")).containsExactly("$.items[0].state: property not in the schema");
    }

    private java.util.List<String> validate(String definition, String json) {
        return validator.validate(Api.JSON.readTree(json), DOCUMENT.at("/definitions/" + definition));
    }
}
