/**
 * ONNX Runtime's official builds (1.30 on Linux and macOS too) send usage telemetry to Microsoft and keep
 * a device id and an event cache in ~/.cache/Microsoft/DeveloperTools/.onnxruntime. A studio that runs
 * a lab's models does not report on them unasked: ORT_DISABLE_TELEMETRY=1, read once when the runtime
 * starts, turns all of it off. Imported before onnxruntime-node (ES modules evaluate in import order);
 * a user who wants to share telemetry sets ORT_DISABLE_TELEMETRY=0.
 */
process.env.ORT_DISABLE_TELEMETRY ??= '1';
