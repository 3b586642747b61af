"""Unit 5, improving service: the baseline, the before/after evaluation, SERVQUAL and whether the
gain lasts (``evaluation``), and the learner's "Your turn" exercises on them (``your_turn``)."""
