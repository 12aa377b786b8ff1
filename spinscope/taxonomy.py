"""The 14 persuasion techniques of the Propaganda Techniques Corpus (SemEval-2020 Task 11).

Labels are spelled exactly as in the corpus. Definitions are paraphrased from
Da San Martino et al., "Fine-Grained Analysis of Propaganda in News Articles",
EMNLP-IJCNLP 2019, appendix. This module is deliberately light (no imports) because
renderers import it for hover definitions.
"""

from __future__ import annotations

#: technique label -> short definition (paraphrased from the PTC annotation guidelines).
TECHNIQUES: dict[str, str] = {
    "Appeal_to_Authority": (
        "Claims a statement is true because a valid authority or expert says so, "
        "without further evidence; also when the cited 'authority' is not one."
    ),
    "Appeal_to_fear-prejudice": (
        "Builds support for an idea by instilling anxiety or panic about an alternative, "
        "or by playing on existing prejudices."
    ),
    "Bandwagon,Reductio_ad_hitlerum": (
        "Urges joining a course of action because 'everyone else' does (bandwagon), or "
        "rejects an idea because a despised group supports it (reductio ad hitlerum)."
    ),
    "Black-and-White_Fallacy": (
        "Presents two alternatives as the only possibilities when more exist; in its "
        "extreme form, dictatorship: telling the audience exactly what to do."
    ),
    "Causal_Oversimplification": (
        "Assumes a single cause or reason for an issue that has several, including "
        "scapegoating a person or group."
    ),
    "Doubt": ("Questions the credibility of someone or something, without evidence."),
    "Exaggeration,Minimisation": (
        "Represents something as much larger, better or worse than it is, or makes "
        "something seem less important or smaller than it really is."
    ),
    "Flag-Waving": (
        "Plays on strong national (or group) feeling to justify or promote an action "
        "or idea."
    ),
    "Loaded_Language": (
        "Uses words and phrases with strong emotional implications, positive or "
        "negative, to influence the audience."
    ),
    "Name_Calling,Labeling": (
        "Labels the object of the propaganda as something the audience fears, hates or "
        "finds undesirable, or loves and praises."
    ),
    "Repetition": (
        "Repeats the same message over and over so that the audience eventually accepts it."
    ),
    "Slogans": (
        "A brief, striking phrase that may include labeling and stereotyping; slogans "
        "act as emotional appeals."
    ),
    "Thought-terminating_Cliches": (
        "Short, generic phrases that discourage critical thought and useful discussion "
        "of a topic, e.g. 'it is what it is'."
    ),
    "Whataboutism,Straw_Men,Red_Herring": (
        "Discredits a position by charging hypocrisy without refuting it (whataboutism), "
        "refutes a distorted version of it (straw man), or diverts attention with an "
        "irrelevant point (red herring)."
    ),
}

#: Labels in a fixed order (the model's class order).
LABELS: tuple[str, ...] = tuple(sorted(TECHNIQUES))
