"""Seeded synthetic service data: the eight recording systems the units talk about, with scenarios.

One call, :func:`generate_all`, builds a small customer service operation for a period (default
12 weeks from Monday 5 January 2026): customers, agents and their training, every contact with
its queue wait and handle time, the phone demand and staffing per half hour, feedback surveys,
complaints, mystery-shopper visits and a SERVQUAL survey. The datasets are consistent with each
other (a survey refers to a real contact, a contact to a real agent and customer). The same seed
and arguments always give the same data; each dataset draws from its own random stream, so
:func:`generate` of one dataset equals that dataset in :func:`generate_all`.

How the data behaves (what a tutor would recognise):

* Demand follows a day-of-week pattern (Monday busiest, Sunday quietest) and an intraday pattern
  (a mid-morning and an early-afternoon peak); phone and chat open 08:00-20:00 Monday to Friday,
  09:00-17:00 Saturday and 10:00-16:00 Sunday; email and social arrive at any hour.
* Handle times are lognormal (a long right tail), longer for technical contacts.
* The phone and chat lines are one shared queue with skills-based routing (one queue per team
  when decentralised). Agents are rostered per half hour to meet 80% answered in 20 seconds on
  the *forecast*; queue waits come from the Erlang C model of the calls that actually arrive
  and the agents actually rostered (:mod:`svcworkbook.analysis.staffing`), so waits rise when demand
  outruns staffing.
* Abandoned callers often ring back and unresolved customers get in touch again (repeat
  contacts from the same customer).
* Callers hang up when their wait exceeds their patience, so abandonment rises with the wait.
* Satisfaction (CSAT, NPS, CES) falls with the wait and when the problem is not resolved; comments
  are written about what happened and use the words of :data:`svcworkbook.analysis.stats.THEME_KEYWORDS`.
* Complaints have a few dominant root causes (a Pareto pattern).
* Agents trained part-way through the period resolve more first time and satisfy more afterwards.
* Personal data (names, emails, phone numbers, postcodes) is fake: phone numbers are in Ofcom's
  ranges reserved for drama (07700 900xxx, 01632 960xxx), emails use example.com/example.co.uk.

Scenarios (:data:`SCENARIOS`) change a few knobs (:data:`BASELINE_KNOBS`): demand, staffing, a
change that lifts resolution and satisfaction (and may fade), and the queue structure. The
data dictionary and what each scenario changes are in data/README.md.

Where things are (one module per concept): :mod:`.scenarios` (the scenarios and the plan of one
generation), one module per dataset family (:mod:`.people` staff and customers, :mod:`.demand`
demand, rosters and intervals, :mod:`.contacts`, :mod:`.surveys`, :mod:`.complaints`,
:mod:`.assessments` mystery shops and SERVQUAL) put together in :mod:`.operation`, and
:mod:`.sample_files` (writing data/*.csv). Use them from here.
"""

from svcworkbook.data.generators.operation import Operation, generate, generate_all
from svcworkbook.data.generators.sample_files import write_samples
from svcworkbook.data.generators.scenarios import (
    BASELINE_KNOBS,
    DATASETS,
    DEFAULT_CONTACTS_PER_DAY,
    DEFAULT_DAYS,
    DEFAULT_START,
    DEFAULT_TEAMS,
    SCENARIOS,
    STRUCTURES,
    Plan,
    Scenario,
    change_date,
)

__all__ = [
    "BASELINE_KNOBS",
    "DATASETS",
    "DEFAULT_CONTACTS_PER_DAY",
    "DEFAULT_DAYS",
    "DEFAULT_START",
    "DEFAULT_TEAMS",
    "SCENARIOS",
    "STRUCTURES",
    "Operation",
    "Plan",
    "Scenario",
    "change_date",
    "generate",
    "generate_all",
    "write_samples",
]
