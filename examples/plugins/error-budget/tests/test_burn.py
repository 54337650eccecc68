"""The burn-rate arithmetic, natively (`python3 -m unittest discover -s tests`); the sandboxed
component is tested end to end by tests/tests/all/python_plugin.rs."""

import math
import os
import sys
import unittest

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "src"))

import burn  # noqa: E402

T0 = 1_714_521_600_000


def series(minutes, ratio_at):
    times = [T0 + m * burn.MINUTE_MS for m in range(minutes)]
    return times, [ratio_at(m) for m in range(minutes)]


class SettingsTest(unittest.TestCase):
    def test_defaults_and_percentages(self):
        s = burn.parse_settings("{}")
        self.assertAlmostEqual(s.budget, 0.001)
        self.assertEqual(len(s.rules), 4)
        self.assertAlmostEqual(burn.parse_settings('{"slo": 99.5}').slo, 0.995)

    def test_errors_name_the_key(self):
        for text, key in [
            ('{"slo": 1.5}', "settings.slo"),
            ('{"slo": "high"}', "settings.slo"),
            ('{"window-days": 0}', "settings.window-days"),
            ('{"series": []}', "settings.series"),
            ('{"rules": [{"name": "fast-burn", "long-minutes": 5, "short-minutes": 60, "burn-rate": 2}]}', "settings.rules[0]"),
            ('{"rules": [{"name": "urgent", "long-minutes": 60, "short-minutes": 5, "burn-rate": 2}]}', "settings.rules[0].name"),
            ('{"slow": 1}', "settings.slow"),
        ]:
            with self.assertRaises(burn.SettingsError) as caught:
                burn.parse_settings(text)
            self.assertIn(key, str(caught.exception), text)


class RatioTest(unittest.TestCase):
    def test_units(self):
        self.assertEqual(burn.ratios("%", [1.0, 50.0])[0], [0.01, 0.5])
        self.assertIsNone(burn.ratios("", [0.1, 3.0])[0])
        self.assertIn("req/s", burn.ratios("req/s", [0.1])[1])
        values, _ = burn.ratios("", [0.1, float("nan")])
        self.assertTrue(math.isnan(values[1]))

    def test_names(self):
        s = burn.parse_settings("{}")
        self.assertTrue(burn.matches(s, "checkout_HTTP_5xx_ratio"))
        self.assertFalse(burn.matches(s, "checkout_latency_p99"))


class EvaluateTest(unittest.TestCase):
    def setUp(self):
        self.settings = burn.parse_settings("{}")

    def test_an_hour_at_25x_pages_about_34_minutes_in(self):
        times, values = series(180, lambda m: 0.025 if m >= 120 else 0.0005)
        fired = burn.evaluate(times, values, self.settings)
        self.assertEqual([b.rule.label() for b in fired], ["1h/5m at 14.4x"])
        first = fired[0]
        self.assertEqual((first.first - times[120]) // burn.MINUTE_MS, 34)
        self.assertEqual(first.onset, times[120])
        self.assertTrue(first.until_end)
        self.assertAlmostEqual(first.peak_burn, 25.0)

    def test_a_short_blip_does_not_page_and_a_stopped_burn_stops(self):
        times, values = series(180, lambda m: 0.03 if 150 <= m < 155 else 0.0005)
        self.assertEqual(burn.evaluate(times, values, self.settings), [])
        times, values = series(240, lambda m: 0.05 if 120 <= m < 180 else 0.0005)
        (fired,) = burn.evaluate(times, values, self.settings)
        self.assertFalse(fired.until_end)
        # The 5-minute window drops below 1.44% within 5 minutes of the errors stopping.
        self.assertLessEqual(fired.last, times[184])

    def test_windows_longer_than_the_series_are_not_judged(self):
        times, values = series(30, lambda m: 0.5)
        self.assertEqual(burn.evaluate(times, values, self.settings), [])

    def test_gaps_are_left_out(self):
        times, values = series(180, lambda m: float("nan") if m % 2 else (0.025 if m >= 120 else 0.0005))
        (fired,) = burn.evaluate(times, values, self.settings)
        self.assertAlmostEqual(fired.coverage, 0.5, places=1)

    def test_budget_spent(self):
        # A whole day at the budget's ratio spends 1/30 of a 30-day budget.
        times, values = series(1440, lambda m: 0.001)
        self.assertAlmostEqual(burn.budget_spent(times, values, self.settings), 1 / 30, places=4)


if __name__ == "__main__":
    unittest.main()
