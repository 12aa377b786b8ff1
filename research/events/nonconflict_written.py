"""Write ``tests/data/events/dev/nonconflict-written-{train,heldout}.jsonl``: news-like sentences
that use conflict words in another sense (sport, markets, weather, disease, verbal attacks,
politics-as-war), written by the events helper. ``TRAIN`` sentences are training data for
the literal-event gate (every trigger the rules find in them is labelled 0); ``BLIND`` were
written afterwards, before any run, and are only scored. No events should be found in any.

    .venv/bin/python research/events/nonconflict_written.py
"""

from __future__ import annotations

import json
from pathlib import Path

OUT = Path(__file__).resolve().parents[2] / "tests" / "data" / "events" / "dev"

TRAIN = [
    "Liverpool attacked relentlessly and beat Chelsea 3-0 at Anfield on Sunday.",
    "Donald Trump attacked Alicia Machado in a series of early-morning tweets.",
    "Stocks rallied on Wall Street on Friday after the jobs report beat expectations.",
    "The senator blasted the administration's handling of the budget talks.",
    "Real Madrid's striker fired a shot into the top corner in the 89th minute.",
    "A winter storm struck the Midwest, leaving thousands without power.",
    "The flu epidemic hit nursing homes in three counties hardest.",
    "Union negotiators and the airline struck a tentative agreement late on Tuesday.",
    "The Democrats launched an offensive against the tax bill in the Senate.",
    "Republicans are bracing for a bruising battle over the Supreme Court nominee.",
    "The campaign targeted suburban women with a new wave of television ads.",
    "Critics attacked the plan as a giveaway to the wealthy.",
    "The quarterback was sacked four times as the Eagles' defence stormed the backfield.",
    "Oil prices exploded after OPEC announced deeper production cuts.",
    "The mayor fought back tears as she announced her resignation.",
    "Brazil's forwards invaded the penalty area again and again but could not score.",
    "The company's shares were hammered after it missed earnings forecasts.",
    "The governor vowed to fight the ruling all the way to the Supreme Court.",
    "Theresa May has been battling to get her Brexit deal through Parliament.",
    "Advocates are waging a war on poverty in the inner cities.",
    "The challenger landed a heavy blow in the final debate.",
    "Serena Williams crushed her opponent in straight sets.",
    "The new iPhone captured a third of the market within a month.",
    "Hackers attacked the company's servers and stole customer data.",
    "The Yankees' bats exploded for eight runs in the third inning.",
    "Lawmakers clashed over the spending bill during a heated committee hearing.",
    "Fans rallied behind the team after the coach was fired.",
    "The chancellor fired a warning shot at the banks over bonuses.",
    "Apple and Samsung are locked in a patent battle in several countries.",
    "The hurricane battered the coast of Florida with winds of 120 miles an hour.",
    "The candidate's remarks sparked a firestorm on social media.",
    "The Warriors stormed back from a 20-point deficit to win in overtime.",
    "Inflation hit a 40-year high in June, the Labor Department said.",
    "Protesters? No, the crowd at the concert simply danced all night.",
    "The prime minister came under attack from her own backbenchers.",
    "The startup is targeting young professionals with its budget app.",
    "A virus is attacking the country's banana plantations.",
    "The central bank's decision shot down hopes of a rate cut.",
    "The team's defence was destroyed by a brilliant counter-attack.",
    "The bill was killed in committee on Thursday.",
    "Markets were rocked by the surprise resignation of the finance minister.",
    "The opposition leader slammed the budget as reckless.",
    "The film captures the struggle of a family in rural Ohio.",
    "The bill's supporters mounted a last-ditch assault on the filibuster.",
    "The coach said his players would fight for every ball on Saturday.",
    "The drought has struck farmers across the Great Plains.",
    "Wildfires destroyed more than 200 homes in northern California last week.",
    "The actor was arrested by the plot twist in the final episode, critics joked.",
    "The tech giant seized a bigger share of the cloud market this year.",
    "His comments drew fire from both parties.",
    "The chess champion launched a bold attack on the queenside.",
    "The debate turned into a slugfest between the two front-runners.",
    "Shares of the bank plunged after regulators hit it with a record fine.",
    "The new law targets companies that dump waste into rivers.",
    "Investors fled emerging markets as the dollar surged.",
    "The coalition collapsed after weeks of infighting over the budget.",
    "A computer virus struck hospitals across Britain on Friday.",
    "The senator's aides went on the attack against the newspaper.",
    "Manchester City demolished Burnley 6-0 on Saturday.",
    "The rookie shot 68 in the final round to win the Masters.",
]

BLIND = [
    "Arsenal's midfield was overrun as Tottenham attacked down both flanks.",
    "The president lashed out at the press in a late-night rally speech.",
    "Gold prices hit a record as investors sought safety.",
    "The governor's allies are fighting to keep the seat in Republican hands.",
    "A powerful earthquake struck off the coast of Japan, but no damage was reported.",
    "The senators traded barbs in a combative hearing on Wednesday.",
    "The Lakers blasted the Celtics 120-95 on Tuesday night.",
    "Critics say the policy is an assault on press freedom.",
    "Pharmaceutical companies are battling generic rivals over patents.",
    "The measles outbreak hit schools in Washington state.",
    "The party launched a campaign to capture younger voters.",
    "Her memoir takes aim at former colleagues in the administration.",
    "The striker scored twice as United stormed to a 4-1 win.",
    "The stock market crashed after the bank failed.",
    "The candidate attacked his rival's record on immigration.",
    "The minister was grilled by lawmakers over the scandal.",
    "Heavy rains destroyed crops across the region, officials said.",
    "Tesla's shares exploded higher after the earnings call.",
    "The committee killed the proposal by a vote of 9 to 4.",
    "Analysts expect the Fed to fight inflation with further rate rises.",
    "The cyclist attacked on the final climb and won the stage.",
    "The two networks are at war over late-night ratings.",
    "The tax plan drew fire from economists on the left and right.",
    "The champion defended her title with a knockout in the third round.",
    "A storm of criticism greeted the decision to close the library.",
    "The team bombed in the playoffs for the third year running.",
    "The activists targeted the bank with a social media campaign.",
    "The senator shot back at critics in a televised interview.",
    "The recession struck hardest in the manufacturing towns of the Midwest.",
    "The Knicks fought back in the fourth quarter but fell short.",
]


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, sents in (("train", TRAIN), ("heldout", BLIND)):
        docs = [{"id": f"nonconflict-written-{name}-{n:03d}", "lang": "en",
                 "kind": "nonconflict", "source": "written by the events helper",
                 "text": t, "spans": []} for n, t in enumerate(sents)]  # fmt: skip
        path = OUT / f"nonconflict-written-{name}.jsonl"
        path.write_text("".join(json.dumps(d) + "\n" for d in docs), encoding="utf-8")
        print(path, len(docs))


if __name__ == "__main__":
    main()
