"""Unit 4, reviewing delivery: the measurement plan (``measurement_plan``), feedback from two or
more methods (``feedback``), loyalty is not satisfaction (``loyalty``) and recommendations from
what was found (``recommendations``)."""
