package org.edp4j.tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/**
 * Every backend usable in this JVM: the CPU, plus each device backend on the class path whose
 * probe finds a device. Device backends that are present but unusable are reported once, so a
 * skipped GPU run says so.
 */
public final class TestBackends {
    private static List<Backend> all;

    private TestBackends() {
    }

    public static synchronized List<Backend> all() {
        if (all == null) {
            List<Backend> list = new ArrayList<>();
            list.add(CpuBackend.instance());
            for (BackendProvider p : ServiceLoader.load(BackendProvider.class)) {
                StringBuilder why = new StringBuilder();
                p.probe(why).ifPresentOrElse(list::add,
                        () -> System.err.println("[edp4j tests] " + p.name() + " backend skipped: " + why));
            }
            all = List.copyOf(list);
        }
        return all;
    }
}
