"""The check-worthiness model files (model.onnx, tokenizer.json, meta.json); see MODEL_CARD.md."""
