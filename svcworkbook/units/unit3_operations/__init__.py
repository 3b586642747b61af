"""Unit 3, managing operations: the KPI dashboard (``dashboard``), the effect of training
(``training``) and the plan-do-check-act improvement cycle (``improvement_cycle``)."""
