import java.util.List;
import org.edp4j.jmh.Workload;
import org.edp4j.nn.Layer;
import org.edp4j.nn.Sequential;
import org.edp4j.nn.SoftmaxCrossEntropy;
import org.edp4j.tensor.Backend;
import org.edp4j.tensor.Backends;
import org.edp4j.tensor.Tensor;

/**
 * Where a training step's forward and backward passes go: each top-level layer of a StepBenchmark
 * workload ({@code Workload}) timed on its own, forward and backward (dL/d input and the rule's
 * inputs; the weight gradients come later, in the clipped sum, and are not included), after warm-up
 * steps. Manual timers, means over the repetitions.
 *
 * <pre>
 * java --add-modules jdk.incubator.vector -cp jmh/target/benchmarks.jar scripts/LayerTimes.java \
 *     [model=encoder] [batch=64] [width=256] [warm-up steps=20] [repetitions=5]
 * </pre>
 * (the text model's sequence length and the encoder's are 128, as StepBenchmark's). A layer whose
 * kernels C2 has not compiled yet (the 2-class head's GEMM tile, called a few times a step) reads
 * too slow unless the warm-up is long enough.
 */
public class LayerTimes {
    public static void main(String[] args) {
        String model = args.length > 0 ? args[0] : "encoder";
        int batch = args.length > 1 ? Integer.parseInt(args[1]) : 64;
        int width = args.length > 2 ? Integer.parseInt(args[2]) : model.equals("mlp") ? 512 : 256;
        int warm = args.length > 3 ? Integer.parseInt(args[3]) : 20;
        int reps = args.length > 4 ? Integer.parseInt(args[4]) : 5;
        Backend be = Backends.byName("cpu");
        Workload w = new Workload(be, model, batch, 128, width);
        Sequential net = w.net;
        SoftmaxCrossEntropy loss = new SoftmaxCrossEntropy(be);
        for (int it = 0; it < warm; it++) {
            loss.forward(net.forward(w.batch), w.batch);
            net.backward(loss.gradient(), w.batch);
        }
        List<Layer> layers = net.layers();
        double[] fwd = new double[layers.size()];
        double[] bwd = new double[layers.size()];
        for (int r = 0; r < reps; r++) {
            Tensor x = w.batch.features();
            for (int i = 0; i < layers.size(); i++) {
                long t0 = System.nanoTime();
                x = layers.get(i).forward(x, w.batch);
                fwd[i] += (System.nanoTime() - t0) / 1e6 / reps;
            }
            loss.forward(x, w.batch);
            Tensor g = loss.gradient();
            for (int i = layers.size() - 1; i >= 0 && g != null; i--) {
                long t0 = System.nanoTime();
                g = layers.get(i).backward(g, w.batch);
                bwd[i] += (System.nanoTime() - t0) / 1e6 / reps;
            }
        }
        System.out.printf("%s, batch %d, width %d: mean ms over %d repetitions after %d warm-up steps%n", model,
                batch, width, reps, warm);
        System.out.println("| layer | forward ms | backward ms |");
        System.out.println("|---|---:|---:|");
        double tf = 0;
        double tb = 0;
        for (int i = 0; i < layers.size(); i++) {
            System.out.printf("| %s | %.2f | %.2f |%n", layers.get(i).describe(), fwd[i], bwd[i]);
            tf += fwd[i];
            tb += bwd[i];
        }
        System.out.printf("| total | %.1f | %.1f |%n", tf, tb);
    }
}
