// SPDX-License-Identifier: Apache-2.0
package org.openccm.bench;

import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Provider;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.util.concurrent.TimeUnit;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One ECDSA signature check, by provider and curve: the JDK's SunEC against BouncyCastle, for P-256 (DCAP quotes,
 * PCK chains) and P-384 (Nitro, SEV-SNP, NVIDIA). Decides which provider verification should use.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 2)
@Fork(1)
public class EcdsaProviderBenchmark {
    @Param({"SunEC", "BC"})
    public String provider;

    @Param({"secp256r1", "secp384r1"})
    public String curve;

    private Signature verifier;
    private byte[] message;
    private byte[] signature;

    @Setup
    public void sign() throws Exception {
        Provider p = provider.equals("BC") ? new BouncyCastleProvider() : java.security.Security.getProvider("SunEC");
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC", "SunEC");
        g.initialize(new ECGenParameterSpec(curve));
        KeyPair pair = g.generateKeyPair();
        String alg = curve.equals("secp256r1") ? "SHA256withECDSA" : "SHA384withECDSA";
        message = new byte[1184];
        Signature s = Signature.getInstance(alg, "SunEC");
        s.initSign(pair.getPrivate());
        s.update(message);
        signature = s.sign();
        verifier = Signature.getInstance(alg, p);
        verifier.initVerify(pair.getPublic());
    }

    @Benchmark
    public boolean verify() throws Exception {
        verifier.update(message);
        return verifier.verify(signature);
    }
}
