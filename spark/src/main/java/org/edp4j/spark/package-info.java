/**
 * edp4j on Apache Spark: DP-FedAvg rounds and data-parallel DP-SGD whose per-device and
 * per-example work runs on the executors while the noise, and its key, stay on the driver.
 *
 * <h2>Parts</h2>
 * <ul>
 *   <li><b>Federated.</b> {@link org.edp4j.spark.SparkPopulation} holds the devices in blocks of
 *       consecutive device indices ({@link org.edp4j.spark.DeviceBlock}) and is the server's
 *       {@link org.edp4j.fl.DeviceCensus} on the driver; {@link org.edp4j.spark.SparkRoundExecutor} is
 *       the core's {@link org.edp4j.fl.RoundExecutor} on Spark: each task flips its devices' coins
 *       ({@link org.edp4j.fl.RoundSelection#select}), trains and clips the selected ones with the core's
 *       {@link org.edp4j.fl.DeviceTrainer} and adds their updates; the server is the core's
 *       {@link org.edp4j.fl.FederatedAveraging}.</li>
 *   <li><b>DP-SGD.</b> {@link org.edp4j.spark.SparkExamples} holds the examples in blocks of
 *       consecutive ids; {@link org.edp4j.spark.SparkTrainingLoop} has each task draw its examples'
 *       Poisson coins ({@link org.edp4j.dp.PoissonSampler#sampleRange}) and clip and sum their
 *       gradients on a replica's {@link org.edp4j.dp.PrivateOptimizer}; the driver's optimizer takes
 *       the sum (its {@link org.edp4j.dp.PrivateStep#addClippedSums stage 3 for sums computed
 *       elsewhere}) and steps.</li>
 *   <li><b>Aggregation.</b> {@code TreeSum}: a tree aggregation in a fixed order, so a run's sum is
 *       the same bits every time; the last level is added on the driver.</li>
 *   <li><b>Commands.</b> {@link org.edp4j.spark.SparkEngine}: the same jobs behind an API without
 *       Spark types, for {@code edp federated --engine spark} and {@code edp train --engine spark}.</li>
 * </ul>
 *
 * <h2>Worked example</h2>
 * <pre>{@code
 * JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
 * SparkPopulation pop = SparkPopulation.fromPartition(sc, partition, TokenRows.of(train, vocab), 16);
 * ModelFactory bag = be -> Models.bag(be, new SplittableRandom(7), vocab, 16, 16, 2);   // serializable
 * try (SparkRoundExecutor exec = new SparkRoundExecutor(pop, bag, new LocalTraining(2, 4, 1.0, 7), 2);
 *      FederatedAveraging server = FederatedAveraging.builder(bag.create(CpuBackend.instance()), Adam.of(0.1))
 *              .population(pop).selection(DeviceSelection.uniform(pop.deviceCount(), 100)).executor(exec)
 *              .clipping(Clipping.flat(1.0)).noiseMultiplier(sigma).build()) {   // noise key: here only
 *     for (int t = 0; t < rounds; t++) {
 *         server.round();
 *     }
 * }
 * }</pre>
 *
 * <p>Keys, the trust model, the equality with one machine and its tolerance, and running on a
 * cluster: {@code docs/spark.md}.
 */
package org.edp4j.spark;
