// SPDX-License-Identifier: Apache-2.0
package org.openccm.bench;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The ratio that SignatureCheckBenchmark and EvidenceVerificationBenchmark give when they run one after the other,
 * measured so that other load on the machine cancels out: short blocks of cached verifications and of the bare
 * signature checks alternate, and each pair of neighbouring blocks gives one ratio; the median of those is printed.
 * Not JMH (JMH runs one benchmark at a time, and on a shared machine the load changes between them):
 * {@code java -cp bench/target/benchmarks.jar org.openccm.bench.InterleavedRatio [seconds]}.
 */
public final class InterleavedRatio {
    private interface Op {
        Object run() throws Exception;
    }

    private record Platform(String name, Op cached, Op signatures) {}

    public static void main(String[] args) throws Exception {
        double seconds = args.length > 0 ? Double.parseDouble(args[0]) : 20;
        EvidenceVerificationBenchmark cached = new EvidenceVerificationBenchmark();
        cached.load();
        SignatureCheckBenchmark bare = new SignatureCheckBenchmark();
        bare.load();
        List<Platform> platforms = List.of(
                new Platform("Nitro (1 x P-384)", cached::nitroDocument, bare::nitroDocument),
                new Platform("SEV-SNP (1 x P-384)", cached::snpReport, bare::snpReport),
                new Platform("SGX DCAP (2 x P-256)", cached::sgxQuote, bare::sgxQuote));
        for (Platform p : platforms) {
            measure(p, seconds / 4, false);
        }
        System.out.printf(Locale.ROOT, "%-22s %8s %12s %12s %10s %10s%n", "platform", "pairs", "cached us", "sigs us", "ratio p50",
                "ratio p25-p75");
        for (Platform p : platforms) {
            measure(p, seconds, true);
        }
    }

    private static void measure(Platform p, double seconds, boolean print) throws Exception {
        int block = 10;
        long end = System.nanoTime() + (long) (seconds * 1e9);
        double[] ratios = new double[100_000];
        double[] cachedTimes = new double[100_000];
        double[] signatureTimes = new double[100_000];
        int n = 0;
        while (System.nanoTime() < end && n < ratios.length) {
            long c = time(p.cached(), block);
            long s = time(p.signatures(), block);
            cachedTimes[n] = c / 1e3 / block;
            signatureTimes[n] = s / 1e3 / block;
            ratios[n++] = (double) c / s;
        }
        if (print) {
            double[] r = Arrays.copyOf(ratios, n);
            double[] ct = Arrays.copyOf(cachedTimes, n);
            double[] st = Arrays.copyOf(signatureTimes, n);
            Arrays.sort(r);
            Arrays.sort(ct);
            Arrays.sort(st);
            System.out.printf(Locale.ROOT, "%-22s %8d %12.0f %12.0f %10.2f %5.2f-%.2f%n", p.name(), n, ct[n / 2], st[n / 2], r[n / 2], r[n / 4],
                    r[3 * n / 4]);
        }
    }

    private static long time(Op op, int times) throws Exception {
        long start = System.nanoTime();
        Object sink = null;
        for (int i = 0; i < times; i++) {
            sink = op.run();
        }
        if (sink == null || Boolean.FALSE.equals(sink)) {
            throw new IllegalStateException("a verification failed: the ratio would measure a refusal");
        }
        return System.nanoTime() - start;
    }
}
