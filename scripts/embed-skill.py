#!/usr/bin/env python3
"""Regenerates Sources/MusterInvestigation/Skill/DefaultSkill.swift from skills/default (SkillTests checks they match)."""
import pathlib
root = pathlib.Path(__file__).resolve().parent.parent
target = root / "Sources/MusterInvestigation/Skill/DefaultSkill.swift"
lines = target.read_text().split("\n")

def embed(name, text):
    start = next(i for i, l in enumerate(lines) if f"static let {name} = #\"\"\"" in l)
    end = next(i for i in range(start + 1, len(lines)) if lines[i].strip() == '"""#')
    body = [("        " + l) if l else "" for l in text.split("\n")]
    lines[start + 1:end] = body

embed("skillMarkdown", (root / "skills/default/SKILL.md").read_text())
embed("playbookYAML", (root / "skills/default/assets/playbook.yaml").read_text())
target.write_text("\n".join(lines))
