// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.app;

/** The kinds of application of the guide; each decides which image form and platform its images have. */
public enum AppType {
    ENCLAVE_OS,
    EDP,
    ACI,
    AZURE_CVM,
    AMD_SEV_SNP,
    TDX,
}
