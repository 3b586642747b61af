"""Unit 2, organising reliable delivery: reliability against the SLA (``reliability``) and the
service plan with its staffing (``service_plan``)."""
