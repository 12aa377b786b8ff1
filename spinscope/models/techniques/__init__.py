"""Committed artefacts of the techniques model (ONNX, tokenizer, config, MODEL_CARD.md)."""
