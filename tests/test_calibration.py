"""Score calibration of the techniques model (Platt scaling without scikit-learn)."""

from __future__ import annotations

import numpy as np

from spinscope.train.techniques import fit_platt


def test_fit_platt_recovers_the_generating_logistic_model():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(20000, 2))
    y = (x @ np.array([1.5, -0.7]) + 0.3 + rng.logistic(size=len(x)) > 0).astype(float)
    w1, w2, b = fit_platt(x, y)
    assert abs(w1 - 1.5) < 0.1 and abs(w2 + 0.7) < 0.1 and abs(b - 0.3) < 0.1
    # a strong penalty shrinks the weights towards 0 but not the intercept
    s1, s2, _ = fit_platt(x[:200], y[:200], c=0.001)
    assert abs(s1) < 0.2 and abs(s2) < 0.2
