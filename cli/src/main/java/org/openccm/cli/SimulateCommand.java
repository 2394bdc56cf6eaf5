// SPDX-License-Identifier: Apache-2.0
package org.openccm.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.Callable;
import org.openccm.cli.simulation.SimulatedNsm;
import org.openccm.cli.simulation.SimulatedPsp;
import org.openccm.cli.simulation.SimulationAuthority;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Simulation mode, for development without TEE hardware: test-only roots, and simulated platforms whose evidence a
 * server trusts only when started with {@code OPENCCM_SIMULATION_ROOTS} pointing at those roots.
 */
@Command(name = "simulate", description = {
    "Simulated platforms for development and tests: never trusted by a server unless it is started with",
    "OPENCCM_SIMULATION_ROOTS=<dir>/simulation-roots.pem, and then it says so at start and in GET /v1/sys/version."},
        subcommands = {SimulateCommand.Init.class, SimulateCommand.Nitro.class, SimulateCommand.Snp.class})
final class SimulateCommand {
    @Command(name = "init", description = "Make the simulation's roots and keys in a directory.")
    static final class Init extends Leaf implements Callable<Integer> {
        @Option(names = "--dir", required = true, paramLabel = "DIR")
        Path dir;

        @Override
        public Integer call() {
            SimulationAuthority.create(dir);
            out().println("simulation roots in " + dir.resolve(SimulationAuthority.ROOTS_FILE)
                    + "; start a server with OPENCCM_SIMULATION_ROOTS set to that file to trust them");
            out().flush();
            return ExitCode.OK;
        }
    }

    @Command(name = "nitro", description = {"Print a simulated Nitro attestation document for $OPENCCM_REPORT_DATA (an agent's",
        "--evidence-command): user_data is the report data's first 32 bytes."})
    static final class Nitro extends Leaf implements Callable<Integer> {
        @Option(names = "--dir", required = true, paramLabel = "DIR")
        Path dir;

        @Option(names = "--pcr0", required = true)
        String pcr0;

        @Option(names = "--pcr1", required = true)
        String pcr1;

        @Option(names = "--pcr2", required = true)
        String pcr2;

        @Override
        public Integer call() {
            String reportData = System.getenv("OPENCCM_REPORT_DATA");
            if (reportData == null || !reportData.matches("[0-9a-f]{128}")) {
                throw new IllegalArgumentException("$OPENCCM_REPORT_DATA must hold the agent's 64 bytes of report data (128 hex digits)");
            }
            byte[] document = new SimulatedNsm(SimulationAuthority.load(dir), List.of(pcr0, pcr1, pcr2))
                    .document(HexFormat.of().parseHex(reportData));
            try {
                System.out.write(document);
                System.out.flush();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return ExitCode.OK;
        }
    }

    @Command(name = "snp", description = {"Run a simulated SEV-SNP secure processor answering configfs-tsm entries in --tsm-dir",
        "(what an agent given the same --tsm-dir writes), until stopped."})
    static final class Snp extends Leaf implements Callable<Integer> {
        @Option(names = "--dir", required = true, paramLabel = "DIR")
        Path dir;

        @Option(names = "--tsm-dir", required = true, paramLabel = "DIR")
        Path tsmDir;

        @Option(names = "--measurement", required = true, description = "the guest's launch MEASUREMENT (96 hex digits)")
        String measurement;

        @Option(names = "--host-data", description = "HOST_DATA (64 hex digits; default zeros)")
        String hostData;

        @Option(names = "--vmpl", defaultValue = "0")
        int vmpl;

        @Override
        public Integer call() {
            SimulatedPsp psp = new SimulatedPsp(SimulationAuthority.load(dir), measurement, hostData, vmpl);
            out().println("simulated SEV-SNP (Milan) answering " + tsmDir + "; stop with Ctrl-C");
            out().flush();
            psp.serve(tsmDir, () -> true);
            return ExitCode.OK;
        }
    }
}
