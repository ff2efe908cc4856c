"""`make budget-check`: the participatory budget's counting against pabutools, the
reference implementation (PyPI, pinned in requirements-budget.txt).

Writes published example instances and 200 random ones as pabulib files, has
`mitreden budget-count` and pabutools count each by greedy (utilitarian welfare with cost
satisfaction: by votes) and by the Method of Equal Shares (cost satisfaction, then greedy
completion), and fails on any difference in the funded projects. Every file is parsed by
pabutools too, so the files Mitreden's parser reads are real pabulib files.

Project ids ascend with cost, so pabutools' lexicographic tie-breaking picks the cheaper
project as Mitreden's rule does; every project has a vote (Mitreden never funds a project
nobody chose, pabutools' greedy fills with such projects).
"""

import json
import random
import subprocess
import sys
import tempfile
from pathlib import Path

from pabutools.election import Cost_Sat, parse_pabulib
from pabutools.rules import (
    completion_by_rule_combination,
    greedy_utilitarian_welfare,
    method_of_equal_shares,
)

BINARY = sys.argv[1] if len(sys.argv) > 1 else "target/release/mitreden"


def pabulib(budget, costs, ballots):
    """A pabulib file: projects 10, 11, … (ascending with cost), voters numbered."""
    lines = ["META", "key;value", "description;check", "country;Germany", "unit;check",
             f"num_projects;{len(costs)}", f"num_votes;{len(ballots)}", f"budget;{budget}",
             "vote_type;approval", "rule;greedy", "PROJECTS", "project_id;cost;name"]
    lines += [f"{10 + i};{cost};Projekt {i}" for i, cost in enumerate(costs)]
    lines += ["VOTES", "voter_id;vote"]
    lines += [f"{n + 1};{','.join(str(10 + p) for p in ballot)}" for n, ballot in enumerate(ballots)]
    return "\n".join(lines) + "\n"


def examples():
    """Published shapes: a majority and a minority (Equal Shares gives the minority its
    share, greedy does not), and greedy skipping a project that does not fit."""
    yield "majority-minority", 100, [30, 40, 41, 42], [[1, 2, 3]] * 7 + [[0]] * 3
    yield "skip-and-go-on", 100, [30, 50, 70], [[2]] * 9 + [[1]] * 8 + [[0]] * 7
    yield "everyone-agrees", 60, [10, 20, 30, 40], [[0, 1, 2, 3]] * 5


def random_instances(count, seed=2026):
    rng = random.Random(seed)
    for n in range(count):
        projects = rng.randint(2, 20)
        costs = sorted(rng.sample(range(1, 200), projects))
        costs = [c * 1000 + rng.randint(0, 999) for c in costs]
        budget = rng.randint(min(costs), sum(costs))
        voters = rng.randint(3, 60)
        ballots = [sorted(rng.sample(range(projects), rng.randint(1, min(5, projects))))
                   for _ in range(voters)]
        for p in range(projects):
            if not any(p in b for b in ballots):
                ballots[rng.randrange(voters)].append(p)
        yield f"random-{n}", budget, costs, [sorted(set(b)) for b in ballots]


def reference(path):
    instance, profile = parse_pabulib(str(path))
    greedy = greedy_utilitarian_welfare(instance, profile, sat_class=Cost_Sat)
    mes = completion_by_rule_combination(
        instance, profile,
        [method_of_equal_shares, greedy_utilitarian_welfare],
        [{"sat_class": Cost_Sat}, {"sat_class": Cost_Sat}],
    )
    return sorted(p.name for p in greedy), sorted(p.name for p in mes)


def main():
    failures = []
    checked = 0
    with tempfile.TemporaryDirectory() as tmp:
        for name, budget, costs, ballots in [*examples(), *random_instances(200)]:
            path = Path(tmp) / f"{name}.pb"
            path.write_text(pabulib(budget, costs, ballots))
            greedy, mes = reference(path)
            ours = json.loads(subprocess.run([BINARY, "budget-count", str(path)], check=True,
                                             capture_output=True, text=True).stdout)
            for method, theirs in (("greedy", greedy), ("equal_shares", mes)):
                mine = sorted(ours[method])
                if mine != theirs:
                    failures.append(f"{name} {method}: mitreden {mine}, pabutools {theirs}")
            checked += 1
    print(f"budget-check: {checked} instances, greedy and Equal Shares, "
          f"{len(failures)} differences from pabutools")
    for failure in failures:
        print("  " + failure)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
