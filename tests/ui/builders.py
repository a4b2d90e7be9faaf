"""Course texts shared by the UI tests and the browser tests: a scenario with a content warning, a
self-check and a reflection for the tiny module of tests/conftest.py's course."""

from __future__ import annotations

#: A scenario with a content warning, a narrator, a reply, two decision points and YAML text that
#: tries to inject HTML (it must be shown as typed).
WARNED_SCENARIO = """\
schema: mentor-scenario/1
id: tiny
title: "Tiny <b>talk</b>"
module: 01-tiny
summary: Mei describes being asked, again, where she is *really* from.
competencies: [validation, listening]
content_warnings: [a microaggression at work]
characters:
  mei: {name: Mei, pronouns: she/her, heritage: Japanese and Filipino}
start: opening
nodes:
  opening:
    lines:
      - {speaker: narrator, text: "Your third meeting."}
      - {speaker: mei, text: "A coworker asked where I'm *really* from. <script>alert(1)</script>"}
    choices:
      - id: validate
        text: That sounds exhausting. What did it bring up?
        quality: best
        scores: {validation: 2, listening: 1}
        feedback: Validating first lets Mei lead.
        goto: explore
      - id: curious
        text: Did you tell them about your parents?
        quality: mixed
        scores: {listening: -1}
        feedback: A closed question about the incident.
        reply: [{speaker: mei, text: "I shouldn't have to, right?"}]
        goto: explore
      - id: dismiss
        text: They were just curious.
        quality: harmful
        scores: {validation: -2}
        feedback: This denies her experience.
        goto: withdraw
  explore:
    lines: [{speaker: mei, text: "Like a guest in my own office."}]
    choices:
      - id: reflect
        text: A guest. Say more about that?
        quality: best
        scores: {listening: 2}
        feedback: Reflecting her word keeps her talking.
        goto: good-ending
      - id: fix
        text: You should report it to HR.
        quality: harmful
        scores: {validation: -1, listening: -1}
        feedback: Jumping to a fix takes the decision from her.
        goto: withdraw
  good-ending:
    ending: {kind: growth, title: Mei keeps talking, text: She felt heard.}
  withdraw:
    ending: {kind: withdrawal, title: Mei changes the subject, text: She stopped.}
debrief:
  prompts: [What made Mei keep talking?]
tests:
  - {name: strongest, path: [validate, reflect], expect: {ending: good-ending}}
  - {name: harmful, path: [dismiss], expect: {ending: withdraw}}
"""

SELFCHECK = """\
schema: mentor-selfcheck/1
module: 01-tiny
title: Check your understanding
questions:
  - id: one
    prompt: Which response validates first?
    kind: single
    options:
      - {id: a, text: Ask which side she feels closer to., correct: false, explanation: Choosing a side is a stressor.}
      - {id: b, text: Reflect the hurt first., correct: true, explanation: It validates before asking.}
  - id: many
    prompt: Which belong in a first agreement? Choose all that apply.
    kind: multiple
    options:
      - {id: a, text: Contact times., correct: true, explanation: Contact is where misunderstandings start.}
      - {id: b, text: Confidentiality and its limits., correct: true, explanation: Say it before it is needed.}
      - {id: c, text: Goals chosen for her., correct: false, explanation: Goals belong to the mentee.}
"""

REFLECTION = """\
schema: mentor-reflection/1
module: 01-tiny
title: "Reflection: when you asked"
intro: Two short pieces of writing.
prompts:
  - {id: own-slip, title: A time you asked, text: Describe a time you asked., points: 10}
  - {id: plan, title: Your plan, text: What will you do differently?, points: 5}
"""
