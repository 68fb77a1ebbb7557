"""Joint rewards and punishments (守信联合激励和失信联合惩戒): the measures catalogue (措施清单) as
versioned data, and the pure evaluation of which measures apply to a subject in a business scenario.

``catalogue`` parses and checks the catalogue documents (kind ``measures-catalogue``, the same
``core.config`` machinery as the policy profiles); ``evaluate`` answers "which measures apply to this
subject status in this scenario, mandatory first, each with its basis", the scalar path, and
``status`` reads the vectorised inputs (years without a negative record, domains holding a subject).
"""
