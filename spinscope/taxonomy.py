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


#: The 23 techniques of SemEval-2023 Task 3 (Piskorski et al. 2023), spelled as in its data,
#: with short definitions paraphrased from its annotation guidelines.
SEMEVAL2023_TECHNIQUES: dict[str, str] = {
    "Appeal_to_Authority": (
        "Presents a claim as true because an authority or expert (or a supposed one) "
        "backs it, without further evidence."
    ),
    "Appeal_to_Fear-Prejudice": (
        "Builds support for an idea by stoking fear, anxiety or prejudice about an "
        "alternative or a group."
    ),
    "Appeal_to_Hypocrisy": (
        "Attacks the target as a hypocrite (saying one thing, doing another) instead of "
        "answering the argument (tu quoque)."
    ),
    "Appeal_to_Popularity": (
        "Claims something is right because many or most people agree or do it (bandwagon)."
    ),
    "Appeal_to_Time": "Argues that the time for an action has come: it must happen now.",
    "Appeal_to_Values": (
        "Links an idea to values the audience holds dear (freedom, tradition, religion, "
        "ethics) to make it seem right."
    ),
    "Causal_Oversimplification": (
        "Assumes one cause of an outcome that has several, often blaming one person or group."
    ),
    "Consequential_Oversimplification": (
        "Claims a first step will set off a chain of (usually bad) consequences: a "
        "slippery slope."
    ),
    "Conversation_Killer": (
        "A short phrase that discourages critical thought and ends discussion "
        "('it is what it is', 'enough said')."
    ),
    "Doubt": "Casts doubt on the credibility of someone or something without evidence.",
    "Exaggeration-Minimisation": (
        "Makes something seem much larger, better or worse than it is, or much smaller "
        "and less important."
    ),
    "False_Dilemma-No_Choice": (
        "Presents two options as the only ones when more exist, or tells the audience "
        "there is only one possible course."
    ),
    "Flag_Waving": (
        "Justifies or promotes an idea by appealing to national or group pride or identity."
    ),
    "Guilt_by_Association": (
        "Discredits an idea or person by linking them to a despised group, person or "
        "ideology (e.g. Nazis)."
    ),
    "Loaded_Language": (
        "Words and phrases with strong emotional connotations, used to sway the audience."
    ),
    "Name_Calling-Labeling": (
        "Labels the target with a name meant to make the audience hate, fear or love it."
    ),
    "Obfuscation-Vagueness-Confusion": (
        "Deliberately unclear wording that lets the audience read what it wants into it."
    ),
    "Questioning_the_Reputation": (
        "Attacks the target's character or reputation rather than their argument."
    ),
    "Red_Herring": "Diverts attention with an irrelevant point.",
    "Repetition": "Repeats the same word, phrase or message so that the audience accepts it.",
    "Slogans": "A brief, striking phrase meant to stick, often with labelling or a call.",
    "Straw_Man": "Refutes a distorted or weaker version of the opponent's position.",
    "Whataboutism": (
        "Deflects criticism by pointing to the opponent's (alleged) wrongdoing instead of "
        "answering it."
    ),
}

#: The 23 labels in a fixed order (the v2 model's class order).
SEMEVAL2023: tuple[str, ...] = tuple(sorted(SEMEVAL2023_TECHNIQUES))

#: SemEval-2023 label -> PTC-14 label (None: no PTC class). From the semeval2023 README.
TO_PTC: dict[str, str | None] = {
    "Appeal_to_Authority": "Appeal_to_Authority",
    "Appeal_to_Fear-Prejudice": "Appeal_to_fear-prejudice",
    "Appeal_to_Hypocrisy": "Whataboutism,Straw_Men,Red_Herring",
    "Appeal_to_Popularity": "Bandwagon,Reductio_ad_hitlerum",
    "Appeal_to_Time": None,
    "Appeal_to_Values": None,
    "Causal_Oversimplification": "Causal_Oversimplification",
    "Consequential_Oversimplification": None,
    "Conversation_Killer": "Thought-terminating_Cliches",
    "Doubt": "Doubt",
    "Exaggeration-Minimisation": "Exaggeration,Minimisation",
    "False_Dilemma-No_Choice": "Black-and-White_Fallacy",
    "Flag_Waving": "Flag-Waving",
    "Guilt_by_Association": "Bandwagon,Reductio_ad_hitlerum",
    "Loaded_Language": "Loaded_Language",
    "Name_Calling-Labeling": "Name_Calling,Labeling",
    "Obfuscation-Vagueness-Confusion": None,
    "Questioning_the_Reputation": None,
    "Red_Herring": "Whataboutism,Straw_Men,Red_Herring",
    "Repetition": "Repetition",
    "Slogans": "Slogans",
    "Straw_Man": "Whataboutism,Straw_Men,Red_Herring",
    "Whataboutism": "Whataboutism,Straw_Men,Red_Herring",
}
