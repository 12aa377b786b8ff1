"""Builds reprints.jsonl from the invented articles below (run it after editing them).

Every article here is invented for tests: places, people and outlets do not exist.
The reprints are derived from the origin by editing, the way networks of outlets do it:
a partial copy, reordered paragraphs, a new title, other boilerplate, a few words changed.
The two "same topic" articles were written independently and must not cluster.
"""

import json
from pathlib import Path

P = [
    "Floodwater from the Marrow river broke through a levee north of Port Elsby early on "
    "Tuesday, forcing the evacuation of more than two thousand residents from the low-lying "
    "Saltmarsh and Quayside districts, the regional emergency service said in a statement.",
    "Rescue crews in boats worked through the night to reach families trapped on upper "
    "floors. The service said eleven people had been taken to hospital with injuries and "
    "hypothermia, and that one elderly man was still missing after his car was swept off "
    "the Ferry Lane bridge.",
    "Mayor Hilde Garrow told reporters that the levee had been scheduled for repair last "
    "spring but the work was postponed twice because the contractor went bankrupt. She said "
    "the council would publish every document about the delay within a week.",
    "Residents accused the authorities of ignoring warnings. According to some locals, "
    "engineers had flagged cracks in the embankment as early as January, and a petition "
    "signed by four hundred households asked the council to act before the spring rains.",
    "The national weather office said rainfall over the upper Marrow valley had reached "
    "three times the monthly average in just four days, and warned that river levels "
    "would stay high until Friday. Schools in the district will remain closed.",
    "Volunteers opened a shelter in the municipal sports hall, where the Red Cross is "
    "handing out blankets, food and dry clothes.",
]

ORIGIN = "\n\n".join(["Marrow river bursts levee, thousands flee Port Elsby", *P,
                      "Contact us: newsdesk@elsby-courier.example",
                      "© 2031 Elsby Courier. All rights reserved."])
PARTIAL = "\n\n".join(["Port Elsby flood: levee fails, families rescued by boat", *P[:5],
                       "Follow us on Telegram for more news from the region."])
REORDERED = "\n\n".join(["Disaster on the Marrow: who is to blame for the Port Elsby flood?",
                         P[2], P[0], P[1], P[4], P[3], P[5],
                         "Subscribe to our newsletter to get the latest stories.",
                         "Share this article"])
EDITED = "\n\n".join(["Thousands evacuated as levee collapses in Port Elsby",
                      P[0].replace("early on Tuesday", "on Tuesday morning"),
                      P[1].replace("eleven people", "11 people"),
                      P[2], P[3].replace("According to some locals", "Some locals say"),
                      P[4], P[5],
                      "Support independent journalism: donate today.",
                      "Read more: Regional news"])
SAME_TOPIC_1 = "\n\n".join([
    "Port Elsby counts the cost of the Marrow flood",
    "Two days after the river Marrow overtopped its banks, shopkeepers on Harbour Street "
    "were shovelling mud out of their doorways and wondering whether their insurance would "
    "pay. Many said they had never seen water so high in the town centre.",
    "The regional emergency service put the number of evacuated people at just over two "
    "thousand. Most have found places with relatives, while about three hundred spent the "
    "night in the sports hall that volunteers turned into a shelter.",
    "Insurers estimate the damage at several million euros. The chamber of commerce asked "
    "the government for emergency grants, arguing that small businesses cannot wait months "
    "for claims to be settled while their stock rots in flooded cellars.",
    "Hydrologists at the university of Dunmore said the flood fits a pattern of heavier "
    "spring storms in the valley and urged the council to rebuild the embankment higher "
    "than before, with room for the river to spread over meadows upstream.",
])
SAME_TOPIC_2 = "\n\n".join([
    "Opinion: the Port Elsby flood was a failure of planning, not of nature",
    "Every town on a river knows the water will come one day. What matters is whether the "
    "people in charge prepared for it. In Port Elsby, the evidence so far suggests they did not.",
    "The levee that gave way this week was old, patched and known to be weak. Repairs were "
    "put off for budget reasons, then put off again. Meanwhile new houses kept going up in "
    "the Saltmarsh district, on land that has flooded three times in a century.",
    "The mayor promises transparency, which is welcome, but transparency after the fact "
    "does not dry anyone's living room. The council should commission an independent review "
    "and publish it in full, including the names of those who signed off on the delays.",
    "Climate change makes storms like this one more likely. That is a reason to plan harder, "
    "not an excuse for having planned too little.",
])

ROWS = [
    ("origin", ORIGIN, "elsby-courier.example", "2031-03-04", "https://elsby-courier.example/levee"),
    ("partial", PARTIAL, "river-news.example", "2031-03-05", "https://river-news.example/a/1"),
    ("reordered", REORDERED, "truth-daily.example", "2031-03-06", "https://truth-daily.example/x"),
    ("edited", EDITED, "north-wire.example", "2031-03-07", "https://north-wire.example/flood"),
    ("same-topic-1", SAME_TOPIC_1, "elsby-courier.example", "2031-03-06", None),
    ("same-topic-2", SAME_TOPIC_2, "valley-voice.example", "2031-03-08", None),
]

if __name__ == "__main__":
    out = Path(__file__).with_name("reprints.jsonl")
    with out.open("w", encoding="utf-8") as fh:
        for doc_id, text, outlet, published, url in ROWS:
            rec = {"id": doc_id, "text": text + "\n", "outlet": outlet, "published": published}
            if url:
                rec["url"] = url
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    print(f"wrote {out}")
