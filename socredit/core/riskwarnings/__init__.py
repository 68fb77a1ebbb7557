"""风险预警 — the pure rules of the risk early warnings (no Django).

``rules`` holds the levels (红/橙/黄/蓝), the rule kinds and the typed thresholds each kind takes
(validated per kind); ``evaluate`` has one function per kind over Polars frames of organization
facts, each returning one row per organization that meets the rule: ``org`` and ``facts`` (a JSON
object of what was found). The app (``socredit.apps.riskwarnings``) reads the facts from the
database into the frames of ``evaluate.Facts``, runs the enabled rules and merges the rows into
warnings.
"""

from socredit.core.riskwarnings.evaluate import EVALUATORS, Facts, evaluate
from socredit.core.riskwarnings.rules import Level, RuleKind, ThresholdErrors, validate_thresholds

__all__ = [
    "EVALUATORS",
    "Facts",
    "Level",
    "RuleKind",
    "ThresholdErrors",
    "evaluate",
    "validate_thresholds",
]
