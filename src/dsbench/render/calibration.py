"""The calibration report in words: calibration.md (validity section included) and the summary lines.

Both are read from the report's JSON document alone (the document is
:mod:`dsbench.corpus.calibration`'s). Every number is formatted here: the same document gives the
same bytes."""

from __future__ import annotations

from typing import Any

from dsbench.i18n import t
from dsbench.render.markdown import code, escape

DUPLICATED_CHECKS = "duplicated_checks"  # the validity run with every generated check duplicated


def _table(header: list[str], rows: list[list], align: str) -> list[str]:
    """A Markdown table; ``align`` has one letter per column: l or r."""

    def row(*cells: object) -> str:
        return "| " + " | ".join(str(c) for c in cells) + " |"

    return [row(*header), row(*("---:" if a == "r" else "---" for a in align)), *(row(*r) for r in rows)]


def _fmt(value: float | None, digits: int = 2) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def _verdict_text(verdict: dict, lang: str) -> str:
    grade = verdict["grade"] if verdict["grade"] is not None else t("no_grade", lang)
    return f"{_fmt(verdict['score'])} {grade} {t('pass' if verdict['passed'] else 'fail', lang)}"


def _flag(flag: str, lang: str) -> str:
    return t(f"flag_{flag}", lang)


def _status(status: str, lang: str) -> str:
    return t(status, lang) if status in ("draft", "published") else status


def _reason(reason: str, min_shared: int, lang: str) -> str:
    """An exclusion reason of the JSON (written in English) in ``lang``."""
    known = {t("reason_few_shared", "en", n=min_shared): t("reason_few_shared", lang, n=min_shared),
             t("reason_constant", "en"): t("reason_constant", lang)}
    return known.get(reason, reason)


def calibration_markdown(document: dict, lang: str = "en") -> str:
    """calibration.md of the report ``document``, in ``lang``."""

    def w(key: str, **values: Any) -> str:
        return t(key, lang, **values)

    colon, comma, none = w("colon"), w("comma"), w("none")
    st = document["standard"]
    title = w("calibration_title", id=code(st["id"]), version=escape(st["version"]),
              status=escape(_status(st["status"], lang)))
    lines = [f"# {title}",
             "", w("calibration_corpus", n=len(document["datasets"]), digest=code(st["digest"])), "",
             f"## {w('calibration_datasets')}", ""]
    failed = document.get("errors", [])
    rows = [(d["name"], [escape(d["name"]), _fmt(d["score"]), escape(d["grade"] or "—"),
                         w("yes" if d["passed"] else "no")] + ([""] if failed else []))
            for d in document["datasets"]]
    rows += [(e["name"], [escape(e["name"]), "—", "—", "—", escape(e["error"])]) for e in failed]
    lines += _table([w("col_dataset"), w("col_score"), w("col_grade"), w("col_passed")]
                    + ([w("col_error")] if failed else []),
                    [cells for _, cells in sorted(rows, key=lambda row: row[0])], "lrll" + ("l" if failed else ""))
    lines += ["", f"## {w('findings')}", ""]
    for flag, codes in document["flagged"].items():
        listed = comma.join(code(c) for c in codes) or none
        lines.append(f"- **{_flag(flag, lang)}**{colon}{listed}")
    redundant = [p for p in document["correlation"]["pairs"] if p["redundant"]]
    listed = comma.join(f"{code(p['a'])}–{code(p['b'])} (r = {_fmt(p['r'], 3)})" for p in redundant) or none
    redundant_at = document["definitions"]["redundant_at"]
    lines.append(f"- **{w('possibly_redundant')}** (|r| ≥ {redundant_at:g}){colon}{listed}")
    sensitive = [th for th in document["sensitivity"]["thresholds"] if th["total"]]
    listed = comma.join(f"{escape(th['label'])} ({th['total']})" for th in sensitive[:5]) or none
    lines.append(f"- **{w('most_sensitive_thresholds')}** "
                 f"({w('changing_at', step=format(document['definitions']['step'], 'g'))}){colon}{listed}")
    lines += ["", f"## {w('indicators')}", "", w("pass_note"), ""]
    rows = []
    for f in document["indicators"]:
        d = f["distribution"] or {}
        rows.append([code(f["code"]), escape(f["dimension"]),
                     f"{_fmt(f['bar']['value'], 1)} ({w('bar_' + f['bar']['origin'])})",
                     f["scored"], f["not_applicable"], f["not_evaluated"], _fmt(f["pass_rate"]),
                     *(_fmt(d.get(k)) for k in ("min", "q1", "median", "q3", "max", "mean")),
                     comma.join(_flag(x, lang) for x in f["flags"])])
    lines += _table([w(f"col_{key}") for key in ("indicator", "dimension_short", "bar", "scored", "not_applicable",
                                                  "not_evaluated", "pass_rate", "min", "q1", "median", "q3", "max",
                                                  "mean", "flags")], rows, "lllrrrrrrrrrrl")
    corr = document["correlation"]
    lines += ["", f"## {w('correlation')}", "",
              w("correlation_note", n=corr["min_shared"], at=format(corr["redundant_at"], "g"),
                few=corr["pairs_with_too_few_shared"]), ""]
    reasons: dict[str, list[str]] = {}
    for item in corr["excluded"]:
        reasons.setdefault(item["reason"], []).append(code(item["code"]))
    for reason, codes in sorted(reasons.items()):
        lines += [w("left_out", reason=escape(_reason(reason, corr["min_shared"], lang)), codes=comma.join(codes)), ""]
    if corr["pairs"]:
        lines += _table([w("col_a"), w("col_b"), w("col_datasets"), w("col_r"), w("col_flag")],
                        [[code(p["a"]), code(p["b"]), p["datasets"], _fmt(p["r"], 3),
                          w("possibly_redundant") if p["redundant"] else ""] for p in corr["pairs"]], "llrrl")
    else:
        lines.append(w("no_pairs"))
    step = document["sensitivity"]["step"]
    lines += ["", f"## {w('sensitivity')}", "", w("sensitivity_note", step=format(step, "g")), ""]
    if document["sensitivity"]["thresholds"]:
        lines += _table([w("col_threshold"), f"−{step:g}", w("col_changed"), f"+{step:g}", w("col_changed"),
                         w("col_datasets")],
                        [[escape(th["label"]), _fmt(th["down"]["value"], 1), th["down"]["changed"],
                          _fmt(th["up"]["value"], 1), th["up"]["changed"],
                          escape(comma.join(th["down"]["datasets"] + th["up"]["datasets"]))]
                         for th in document["sensitivity"]["thresholds"]], "lrrrrl")
    else:
        lines.append(w("no_thresholds"))
    if document["against"] is not None:
        lines += against_markdown(document["against"], lang)
    if document.get("validity") is not None:
        lines += validity_markdown(document["validity"], lang)
    return "\n".join(lines) + "\n"


def changes_markdown(changes: dict, lang: str) -> list[str]:
    """How a standard's definition changed, one bullet per change (``changes``: what
    :func:`dsbench.corpus.calibration.revision.definition_changes` gives)."""

    def w(key: str, **values: Any) -> str:
        return t(key, lang, **values)

    comma, lines = w("comma"), []
    for item in changes["indicators"]:
        concerns = ""
        if "rebound" in item["change"]:
            concerns = (f"{w('colon')}{escape(', '.join(item['old_concerns']))} → "
                        f"{escape(', '.join(item['new_concerns']))}")
        change = comma.join(w(f"change_{kind}") for kind in item["change"])
        lines.append(f"- {w('against_indicator', code=code(item['code']), change=change)}{concerns}")
    for key, word in (("gates_removed", "gate_removed"), ("gates_added", "gate_added"),
                      ("levels_removed", "level_removed"), ("levels_added", "level_added")):
        lines += [f"- {w(word)}{w('colon')}{escape(text)}" for text in changes[key]]
    if changes["scale"]:
        scale = changes["scale"]
        lines.append(f"- {w('scale_change', old=format(scale['old'], 'g'), new=format(scale['new'], 'g'))}")
    return lines


def against_markdown(against: dict, lang: str) -> list[str]:
    """The section comparing the draft with an older version."""

    def w(key: str, **values: Any) -> str:
        return t(key, lang, **values)

    old = against["standard"]
    lines = ["", f"## {w('against', id=code(old['id']), version=escape(old['version']))}", ""]
    lines += changes_markdown(against["changes"], lang)
    comma = w("comma")
    lines += ["", w("n_changed", n=against["changed"]), ""]
    lines += _table([w("col_dataset"), w("col_old"), w("col_new"), w("col_outcome_changed")],
                    [[escape(d["name"]), _verdict_text(d["old"], lang), _verdict_text(d["new"], lang),
                      w("yes") if d["outcome_changed"] else ""] for d in against["datasets"]], "llll")
    for d in against["datasets"]:
        if not d["outcome_changed"]:
            continue
        lines += ["", f"### {escape(d['name'])}", ""]
        for gate in d["gates_flipped"]:
            lines.append(f"- {w('gate_flipped', gate=escape(gate['gate']), old=gate['old'], new=gate['new'])}")
        if not d["gates_flipped"] and not d["causes"]:
            lines.append(w("same_score_new_bands"))
        if d["causes"]:
            lines += _table([w("col_indicator"), w("col_change"), w("col_old_score"), w("col_new_score"),
                             w("col_contribution_delta")],
                            [[code(c["code"]), comma.join(w(f"change_{kind}") for kind in c["change"]),
                              _fmt(c["old_score"]), _fmt(c["new_score"]),
                              f"{c['contribution_delta']:+.3f}"] for c in d["causes"]], "llrrr")
    return lines


def calibration_summary(document: dict, lang: str = "en") -> list[str]:
    """The lines the command prints about the report ``document``, in ``lang``."""

    def w(key: str, **values: Any) -> str:
        return t(key, lang, **values)

    colon, comma, none = w("colon"), w("comma"), w("none")
    st = document["standard"]
    step = format(document["sensitivity"]["step"], "g")
    lines = [w("summary_title", id=st["id"], version=st["version"], n=len(document["datasets"]))]
    for d in document["datasets"]:
        lines.append(f"  {d['name']}{colon}{_verdict_text(d, lang)}")
    for e in document.get("errors", []):
        lines.append(f"  {e['name']}{colon}{w('error')}{colon}{e['error']}")
    for flag, codes in document["flagged"].items():
        lines.append(f"{_flag(flag, lang)}{colon}{comma.join(codes) or none}")
    redundant = [f"{p['a']}~{p['b']} (r={_fmt(p['r'], 3)})" for p in document["correlation"]["pairs"] if p["redundant"]]
    lines.append(f"{w('possibly_redundant')}{colon}{comma.join(redundant) or none}")
    sensitive = [f"{th['label']} ({w('summary_moves', down=th['down']['changed'], up=th['up']['changed'], step=step)})"
                 for th in document["sensitivity"]["thresholds"][:3] if th["total"]]
    lines.append(f"{w('summary_most_sensitive')}{colon}{'; '.join(sensitive) or none}")
    if document["against"] is not None:
        against = document["against"]
        changed = [f"{d['name']} ({_verdict_text(d['old'], lang)} -> {_verdict_text(d['new'], lang)}; "
                   f"{', '.join(c['code'] for c in d['causes'][:3])})"
                   for d in against["datasets"] if d["outcome_changed"]]
        lines.append(w("summary_against", id=against["standard"]["id"], version=against["standard"]["version"],
                       n=against["changed"]) + (": " + "; ".join(changed) if changed else ""))
    if document.get("validity") is not None:
        lines.append(validity_summary(document["validity"], lang))
    return lines


# -- the validity section --------------------------------------------------------------------------

def family_name(family: str, lang: str) -> str:
    return t(f"validity_family_{family}", lang)


def _rate_text(rate: float) -> str:
    return f"{rate * 100:g} %"


def validity_markdown(section: dict, lang: str = "en") -> list[str]:
    """The lines of the validity section of calibration.md."""

    def w(key: str, **values: Any) -> str:
        return t(f"validity_{key}", lang, **values)

    colon, comma, none = t("colon", lang), t("comma", lang), t("none", lang)

    def families(listed: list[str]) -> str:
        return comma.join(family_name(f, lang) for f in listed) or ""

    def score(value: float | None, raised: bool = False) -> str:
        return "—" if value is None else f"{value:.2f}" + (" ↑" if raised else "")

    lines = ["", f"## {w('title')}", "",
             w("note", rate=_rate_text(section["rate"]), seed=section["seed"]), ""]
    flagged = section["flagged"]
    by_code = {i["code"]: i for i in section["indicators"]}
    raised = comma.join(f"{code(c)} ({families(by_code[c]['raised_by'])})" for c in flagged["raised_by_defect"])
    lines.append(f"- **{w('raised_by_defect')}**{colon}{raised or none}")
    moved = comma.join(code(c) for c in flagged["moved_by_duplicated_checks"])
    lines.append(f"- **{w('moved_by_duplicated_checks')}**{colon}{moved or none}")
    insensitive = comma.join(code(c) for c in flagged["insensitive_to_all"])
    lines.append(f"- **{w('insensitive_to_all')}**{colon}{insensitive or none}")
    overall = comma.join(f"{escape(x['dataset'])} ({family_name(x['family'], lang)})"
                         for x in flagged["overall_raised"])
    lines.append(f"- **{w('overall_raised')}**{colon}{overall or none}")
    for item in section["skipped"]:
        lines.append(f"- {w('skipped')}{colon}{escape(item['name'])} ({escape(item['reason'])})")
    for dataset in section["datasets"]:
        for family, reason in dataset["not_injected"].items():
            lines.append(f"- {w('not_injected')}{colon}{escape(dataset['name'])}, "
                         f"{family_name(family, lang)} ({escape(reason)})")
    if section["datasets"]:
        lines.append("")
        lines += _table([t("col_dataset", lang), w("col_clean"), w("col_duplicated"),
                         *(family_name(f, lang) for f in section["families"])],
                        [[escape(d["name"]), score(d["scores"]["clean"]), score(d["scores"][DUPLICATED_CHECKS]),
                          *(score(d["scores"][f], f in d["overall_raised"]) for f in section["families"])]
                         for d in section["datasets"]], "lrr" + "r" * len(section["families"]))
        lines.append("")
        flag_words = {"raised_by_defect": w("raised_by_defect"),
                      "moved_by_duplicated_checks": w("moved_by_duplicated_checks")}
        lines += _table([t("col_indicator", lang), t("col_dimension_short", lang), w("col_lowered_by"),
                         w("col_raised_by"), w("col_applicability_by"), w("col_insensitive_to"),
                         w("col_moved_on"), t("col_flags", lang)],
                        [[code(i["code"]), escape(i["dimension"]), families(i["lowered_by"]),
                          families(i["raised_by"]), families(i["applicability_changed_by"]),
                          families(i["insensitive_to"]),
                          comma.join(escape(n) for n in i["moved_by_duplicated_checks"]),
                          comma.join(flag_words[f] for f in i["flags"])]
                         for i in section["indicators"]], "llllllll")
    return lines


def validity_summary(section: dict, lang: str = "en") -> str:
    """One line for the command's summary."""

    def w(key: str, **values: Any) -> str:
        return t(f"validity_{key}", lang, **values)

    colon, comma, none = t("colon", lang), t("comma", lang), t("none", lang)
    by_code = {i["code"]: i for i in section["indicators"]}
    flagged = section["flagged"]
    raised = comma.join(f"{c} ({comma.join(family_name(f, lang) for f in by_code[c]['raised_by'])})"
                        for c in flagged["raised_by_defect"]) or none
    moved = comma.join(flagged["moved_by_duplicated_checks"]) or none
    overall = comma.join(f"{x['dataset']} ({family_name(x['family'], lang)})"
                         for x in flagged["overall_raised"]) or none
    head = w("summary", rate=_rate_text(section["rate"]), n=len(section["datasets"]))
    return (f"{head}{colon}{w('raised_by_defect')}{colon}{raised}; "
            f"{w('moved_by_duplicated_checks')}{colon}{moved}; {w('overall_raised')}{colon}{overall}")


__all__ = ["calibration_markdown", "calibration_summary", "validity_markdown", "validity_summary"]
