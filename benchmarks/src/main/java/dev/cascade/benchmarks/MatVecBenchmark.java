package dev.cascade.benchmarks;

import dev.cascade.tensor.internal.Mat3;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.apache.commons.math3.linear.Array2DRowRealMatrix;
import org.apache.commons.math3.linear.LUDecomposition;
import org.apache.commons.math3.linear.RealMatrix;
import org.ejml.data.DMatrix3;
import org.ejml.data.DMatrix3x3;
import org.ejml.dense.fixed.CommonOps_DDF3;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/** 3x3 mat-vec and inverse: the tensor engine, EJML's fixed 3x3 types and Commons Math, side by side. */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@State(Scope.Thread)
public class MatVecBenchmark {

    private final double[] m = new double[9];
    private final double[] v = new double[3];
    private final double[] out = new double[3];
    private final double[] inverse = new double[9];
    private final DMatrix3x3 ejmlM = new DMatrix3x3();
    private final DMatrix3x3 ejmlInverse = new DMatrix3x3();
    private final DMatrix3 ejmlV = new DMatrix3();
    private final DMatrix3 ejmlOut = new DMatrix3();
    private RealMatrix commonsM;
    private double[] commonsV;

    @Setup
    public void setup() {
        Random random = new Random(42);
        for (int i = 0; i < 9; i++) {
            m[i] = random.nextDouble() + (i % 4 == 0 ? 2 : 0);
        }
        for (int i = 0; i < 3; i++) {
            v[i] = random.nextDouble();
        }
        ejmlM.setTo(m[0], m[1], m[2], m[3], m[4], m[5], m[6], m[7], m[8]);
        ejmlV.setTo(v[0], v[1], v[2]);
        commonsM =
                new Array2DRowRealMatrix(new double[][] {{m[0], m[1], m[2]}, {m[3], m[4], m[5]}, {m[6], m[7], m[8]}});
        // the very same input vector for every library; each reads it from the heap on every call (fields,
        // not constants), and each result goes to a blackhole, so nothing folds away
        commonsV = v;
    }

    @Benchmark
    public double[] matVecTensor() {
        Mat3.mulVec(m, v, out);
        return out;
    }

    @Benchmark
    public DMatrix3 matVecEjmlFixed() {
        CommonOps_DDF3.mult(ejmlM, ejmlV, ejmlOut);
        return ejmlOut;
    }

    @Benchmark
    public double[] matVecCommonsMath() {
        return commonsM.operate(commonsV);
    }

    @Benchmark
    public double[] inverseTensor() {
        Mat3.invert(m, inverse);
        return inverse;
    }

    @Benchmark
    public DMatrix3x3 inverseEjmlFixed() {
        CommonOps_DDF3.invert(ejmlM, ejmlInverse);
        return ejmlInverse;
    }

    @Benchmark
    public RealMatrix inverseCommonsMathLu() {
        return new LUDecomposition(commonsM).getSolver().getInverse();
    }
}
