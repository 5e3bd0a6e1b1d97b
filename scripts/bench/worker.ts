/**
 * The worker process of the benchmark: runs one measurement it is sent and answers with the result and its own peak
 * memory. Each task loads only the modules it needs, so that a baseline does not carry the product's memory.
 */
import { peakRssMb, type ChildAnswer, type ChildTask } from "./child";

async function run(task: ChildTask): Promise<unknown> {
  switch (task.kind) {
    case "import":
      return (await import("./importBench")).measureFeedImport(task.data, task.file);
    case "csv-parse":
      return (await import("./csvParseBaseline")).measureCsvParse(task.path);
    case "evaluate":
      return (await import("./evaluationBench")).measureEvaluation(task.data);
    case "duckdb":
      return (await import("./duckdbBench")).measureDuckdb(task.data);
  }
}

process.once("message", (task: ChildTask) => {
  run(task).then(
    (result) => process.send?.({ result, peakRssMb: peakRssMb() } satisfies ChildAnswer<unknown>, () => process.exit(0)),
    (error: Error) => process.send?.({ error: error.stack ?? error.message } satisfies ChildAnswer<unknown>, () => process.exit(1)),
  );
});
