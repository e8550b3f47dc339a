"""Hostile diagram code, by what it tries: each piece reads no case data, so it does the same for
every case and must be refused before deploy (by the sandbox's rules, or by its trial run within
the budget). `RUNTIME` is code that is harmless or hostile depending on the case's data, so only
its budget can stop it when it runs."""

from __future__ import annotations

# Stopped by the processor-time budget: long single operations in C, and Python loops.
TIME = [
    "pow(9, 9**9)",
    "pow(10, 10**8)",
    "sum(range(10**15))",
    "max(range(10**12))",
    "min(range(10**12))",
    "(10**1000)**10000",
    "round(1, -10**8)",
    "any(x > 10**12 for x in range(10**13))",
    "sum(x for x in range(10**12))",
    "all(x >= 0 for x in range(10**13))",
    "sum(x * x for x in range(10**12))",
    "9 ** (9 ** 7)",
    "10 ** 10 ** 10",
]
TIME_SCRIPTS = [
    "x = 0\nwhile x >= 0:\n    x += 1",
    "for i in range(10**12):\n    pass",
    "total = 0\nfor i in range(10**9):\n    for j in range(10**9):\n        total += 1",
    "x = 1\nwhile x:\n    x = x + 1",
]
# Stopped by the memory budget.
MEMORY = [
    "'a' * 10**9",
    "[0] * 10**8",
    "'ab' * 10**8",
    "list(range(10**9))",
    "set(range(10**8))",
    "dict.fromkeys(range(10**8))",
    "'x'.center(10**9)",
    "'x'.ljust(10**9)",
    "'1'.zfill(10**9)",
    "'%01000000000d' % 1",
    "f'{1:>1000000000}'",
    "'a\\tb'.expandtabs(10**9)",
    "('a' * 10**4).replace('', 'b' * 10**4)",
    "'x'.join(['y' * 10**4] * 10**4)",
    "'a' * 10**5 * 10**5",
    "1 << 10**10",
    "str(list(range(10**8)))",
    "sorted([3, 1, 2] * 10**8)",
    "len([1 for i in range(10**9)])",
]
MEMORY_SCRIPTS = [
    "x = 'a'\nfor i in range(40):\n    x = x + x",
    "rows = []\nfor i in range(10**9):\n    rows.append(i)",
]
# Values a case cannot hold.
UNSTORABLE_SCRIPTS = [
    "x = b'abc'",
    "x = complex(1, 2)",
    "x = range(3)",
    "x = {1, 2}",
    "x = float('nan')",
    "x = float('inf')",
    "x = []\nfor i in range(10**5):\n    x = [x]",
    "x = [1]\nx.append(x)",
    "d = {}\nd[(1, 2)] = 3",
    "x = [[0] * 10**4] * 10**4",
]
UNSTORABLE = ["b'abc'", "complex(1, 2)", "range(3)", "{1, 2}", "float('nan')"]
# Code that fails the same way for every case.
FAILING = [
    "1 / 0",
    "[][1]",
    "{}['x']",
    "int('abc')",
    "(x for x in [1]).throw(ValueError)",
    "(x for x in [1]).throw(StopIteration)",
    "str(10**10000)",
    "int('9' * 10**6)",
    "'{:>1000000000}'.format(1)",
]
# Refused by the sandbox's rules before anything runs: escapes, and what would end the process.
REFUSED = [
    "__import__('os').system('id')",
    "().__class__.__bases__[0].__subclasses__()",
    "open('/etc/passwd').read()",
    "eval('1')",
    "(x for x in [1]).throw(SystemExit)",
    "(x for x in [1]).throw(KeyboardInterrupt)",
    "(x for x in [1]).throw(GeneratorExit)",
    "BaseException",
    "(lambda: 1)()",
    "(" * 300 + "1" + ")" * 300,
    "1 + " * 10_000 + "1",
]
REFUSED_SCRIPTS = [
    "import os",
    "raise SystemExit(0)",
    "raise KeyboardInterrupt",
    "while True:\n    pass",
    "x = [1]\nwhile True:\n    x = [x]",
    "def f():\n    return 1",
]

EXPRESSIONS = TIME + MEMORY + UNSTORABLE + FAILING + REFUSED
SCRIPTS = (
    TIME_SCRIPTS + MEMORY_SCRIPTS + UNSTORABLE_SCRIPTS + REFUSED_SCRIPTS + [f"x = {e}" for e in EXPRESSIONS]
)

# Harmless or hostile by the case's data (`kind`, `n`, `keep_going` from the "Give the input" form):
# what each kind does, and the error the step must stop with.
RUNTIME = (
    "(pow(9, n) if kind == 'power' else "
    "('a' * n if kind == 'repeat' else "
    "(sum(range(n)) if kind == 'range' else "
    "(complex(n, 1) if kind == 'unstorable' else "
    "([0][n] if kind == 'index' else {fine})))))"
)
RUNTIME_SCRIPT = "x = 0\nwhile keep_going:\n    x += 1\nvalue = " + RUNTIME
RUNTIME_KINDS = {
    "power": ({"kind": "power", "n": 9**9}, "processor time"),
    "repeat": ({"kind": "repeat", "n": 10**9}, "memory"),
    "range": ({"kind": "range", "n": 10**15}, "processor time"),
    "unstorable": ({"kind": "unstorable", "n": 1}, "cannot store"),
    "index": ({"kind": "index", "n": 5}, "IndexError"),
}

FINE = {  # ordinary code that reads the case's data, at each place (scripts: FINE_SCRIPTS)
    "condition": "n > 1",
    "timeDuration": "'PT1H'",
    "timeDate": "'2030-01-01T00:00:00+00:00'",
    "timeCycle": "'R2/PT1H'",
    "parameter": "n",
    "candidateGroup": "'competent-authority-ukba'",
    "dueDate": "'2030-01-01T00:00:00+00:00'",
    "dmn input": "'ok'",
    "dmn input cell": "n",
    "dmn output cell": "'decided'",
}
FINE_SCRIPTS = [
    "count = n + 1",
    "n = n + 1",
    "total = 0\nfor i in range(n):\n    total += i",
    "names = [str(i) for i in range(n)]\nlabel = ', '.join(names)",
    "if kind == 'fine':\n    stage = 'reasonable_grounds'",
]
