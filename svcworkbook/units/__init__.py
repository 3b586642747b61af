"""Each unit's worked analyses, one package per unit, so "unit 4" is one place in the tree.

- ``unit1_environment``: structures (compliance with the law, organisational structure, touchpoints)
- ``unit2_delivery``: reliable delivery (reliability against SLAs, the service plan and staffing)
- ``unit3_operations``: managing operations (KPI dashboard, training effect, improvement cycle)
- ``unit4_review``: reviewing delivery (measurement plan, feedback, loyalty, recommendations)
- ``unit5_improvement``: improving service (baseline, before/after evaluation, sustaining gains)

May import: every room below it (``errors``, ``display``, ``content``, ``analysis``, ``data``,
``report``) and ``svcworkbook.learning`` for the exercise checks. A unit may build on an earlier
unit's analyses (unit 3's improvement cycle staffs its plan with unit 2's service plan); never on a
later one. Never ``svcworkbook.teaching``.
"""


def all_exercises() -> list:
    """Every unit's "Your turn" exercise specs (importing each unit's modules), in id order."""
    import importlib
    import pkgutil

    from svcworkbook.learning import exercises

    for package in ("unit1_environment", "unit2_delivery", "unit3_operations", "unit4_review",
                    "unit5_improvement"):  # fmt: skip
        found = importlib.import_module(f"{__name__}.{package}")
        for module in pkgutil.iter_modules(found.__path__):
            importlib.import_module(f"{found.__name__}.{module.name}")
    return exercises.defined()


def exercise_spec(exercise_id: str):
    """The spec of any unit's exercise by its id, defining every unit's exercises first when this
    process has not imported that unit (KeyError for an id no unit defines)."""
    from svcworkbook.learning import exercises

    try:
        return exercises.exercise(exercise_id)
    except KeyError:
        all_exercises()
        return exercises.exercise(exercise_id)
