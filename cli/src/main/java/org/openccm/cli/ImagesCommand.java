// SPDX-License-Identifier: Apache-2.0
package org.openccm.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import tools.jackson.databind.node.ObjectNode;

@Command(name = "images", description = "Images (builds): the identity of each release.",
        subcommands = {ImagesCommand.Create.class, ImagesCommand.ListImages.class})
final class ImagesCommand {
    static final List<Output.Column> COLUMNS = List.of(
            Leaf.column("BUILD ID", "/build_id"), Leaf.column("APP", "/app_name"), Leaf.column("PLATFORM", "/platform"),
            Leaf.column("STATUS", "/status/status"), Leaf.column("TASK", "/pending_task_id"));

    @Command(name = "create", description = "Register an image from its reference-value file; it waits for approval.")
    static final class Create extends Leaf implements Callable<Integer> {
        @Option(names = "--app", required = true, paramLabel = "APP-ID")
        UUID app;

        @ArgGroup(exclusive = true, multiplicity = "1")
        Source source;

        static final class Source {
            @Option(names = "--sigstruct", paramLabel = "FILE", description = "an SGX enclave's SIGSTRUCT")
            Path sigstruct;

            @Option(names = "--nitro-measurements", paramLabel = "FILE", description = "what nitro-cli build-enclave printed")
            Path nitroMeasurements;

            @Option(names = "--attributes", paramLabel = "FILE",
                    description = "the image's attributes as JSON (e.g. {\"baremetal_amd_sev_snp\": {...}})")
            Path attributes;
        }

        @Option(names = "--image-name", paramLabel = "NAME")
        String imageName;

        @Option(names = "--image-version", paramLabel = "TAG")
        String imageVersion;

        @Override
        public Integer call() {
            ObjectNode build = ApiClient.JSON.createObjectNode().put("app_id", app.toString());
            if (imageName != null || imageVersion != null) {
                ObjectNode docker = build.putObject("docker_info");
                if (imageName != null) {
                    docker.put("docker_image_name", imageName);
                }
                if (imageVersion != null) {
                    docker.put("docker_version", imageVersion);
                }
            }
            if (source.attributes != null) {
                build.set("attributes", ApiClient.JSON.readTree(read(source.attributes)));
                print(client().post("/v1/builds", build), COLUMNS);
                return ExitCode.OK;
            }
            Map<String, Map.Entry<String, byte[]>> files = new LinkedHashMap<>();
            Path file = source.sigstruct != null ? source.sigstruct : source.nitroMeasurements;
            files.put(source.sigstruct != null ? "sigstruct" : "nitro_measurements", Map.entry(file.getFileName().toString(), read(file)));
            print(client().multipart("/v1/builds", Map.of("build", build.toString()), files), COLUMNS);
            return ExitCode.OK;
        }
    }

    @Command(name = "list", description = "List the images of the selected account.")
    static final class ListImages extends Leaf implements Callable<Integer> {
        @Option(names = "--app", paramLabel = "APP-ID")
        UUID app;

        @Override
        public Integer call() {
            print(client().get("/v1/builds?limit=1000" + (app == null ? "" : "&app_id=" + app)), COLUMNS);
            return ExitCode.OK;
        }
    }

    static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }
}
