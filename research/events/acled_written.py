"""Write ``tests/data/events/dev/acled-written-{dev,heldout}.jsonl``: short conflict and protest
reports in the style of ACLED event notes, written by the events helper (not taken from
ACLED), one per line in the realnews ``docs.jsonl`` format with one span on the trigger word
labelled with the expected event type.

``REPORTS`` (80) were written first and the rules were then tuned on their misses: they are
development data (``acled-written-dev.jsonl``). ``BLIND`` (40) were written after that, before
any run, and are only scored (``acled-written-heldout.jsonl``).

    .venv/bin/python research/events/acled_written.py
"""

from __future__ import annotations

import json
from pathlib import Path

OUT = Path(__file__).resolve().parents[2] / "tests" / "data" / "events" / "dev"

# (text, trigger word as written, type)
REPORTS = [
    (
        "On 14 March 2024, Russian forces shelled the village of Bilozerske in Donetsk oblast. "
        "Two civilians were killed.",
        "shelled",
        "shelling_artillery_missile_attack",
    ),
    (
        "On 3 May 2023, around 300 residents protested in front of the governor's office in Kano "
        "to demand payment of salary arrears. [size=around 300]",
        "protested",
        "protest",
    ),
    (
        "On 22 June 2023, police arrested 14 members of an opposition party during a meeting in "
        "Harare.",
        "arrested",
        "arrest",
    ),
    (
        "On 9 February 2024, unidentified gunmen shot and killed a village chief in Dori, Burkina "
        "Faso.",
        "shot",
        "attack_on_civilians",
    ),
    (
        "On 1 April 2024, Ukrainian drones attacked an oil refinery in Novokuibyshevsk, Samara "
        "region. Fatalities unknown.",
        "attacked",
        "air_drone_strike",
    ),
    (
        "On 18 August 2023, an IED planted by al-Shabaab exploded near a military convoy in "
        "Lower Shabelle, killing three soldiers.",
        "exploded",
        "explosion",
    ),
    (
        "On 5 November 2023, Israeli aircraft carried out airstrikes on a residential building "
        "in Khan Younis, killing at least 12 people.",
        "airstrikes",
        "air_drone_strike",
    ),
    (
        "On 27 July 2023, JNIM militants clashed with the Malian army near Boni; several "
        "soldiers and militants were killed.",
        "clashed",
        "armed_clash",
    ),
    (
        "On 12 October 2023, hundreds of workers went on strike at a textile factory in Gazipur "
        "demanding higher wages.",
        "strike",
        "protest",
    ),
    (
        "On 30 January 2024, rioters set fire to a police station in Port-au-Prince after a "
        "gang leader was arrested.",
        "rioters",
        "riot",
    ),
    (
        "On 16 May 2024, Russian air defence intercepted 12 Ukrainian drones over Belgorod "
        "region, according to the Russian MoD.",
        "intercepted",
        "shoot_down",
    ),
    (
        "On 8 March 2024, armed men abducted 15 students from a school in Kuriga, Kaduna state.",
        "abducted",
        "abduction",
    ),
    (
        "On 2 September 2023, Sudanese Armed Forces and the RSF fought in the Kalakla area of "
        "Khartoum. Casualties unknown.",
        "fought",
        "armed_clash",
    ),
    (
        "On 20 February 2024, farmers demonstrated with tractors outside the European "
        "Parliament in Brussels against EU agricultural policy.",
        "demonstrated",
        "protest",
    ),
    (
        "On 11 July 2023, a Russian missile strike hit a school building in Zaporizhzhia, "
        "injuring five people.",
        "strike",
        "shelling_artillery_missile_attack",
    ),
    (
        "On 4 December 2023, security forces fired tear gas and live rounds at protesters in "
        "Conakry, killing two people.",
        "fired",
        "attack_on_civilians",
    ),
    (
        "On 25 April 2024, Houthi forces launched a ballistic missile at a commercial vessel in "
        "the Gulf of Aden. No casualties were reported.",
        "launched",
        "shelling_artillery_missile_attack",
    ),
    (
        "On 13 June 2023, a suicide bomber blew himself up at a checkpoint in Mogadishu, killing "
        "six people.",
        "blew",
        "explosion",
    ),
    (
        "On 19 January 2024, Myanmar military aircraft bombed a village in Sagaing region, "
        "killing nine civilians including children.",
        "bombed",
        "air_drone_strike",
    ),
    (
        "On 7 August 2023, Ukrainian forces advanced near Robotyne and captured Russian "
        "positions, according to the Ukrainian General Staff.",
        "captured",
        "ground_assault",
    ),
    (
        "On 29 March 2024, supporters of the opposition rallied in Dakar to demand the release "
        "of political prisoners.",
        "rallied",
        "protest",
    ),
    (
        "On 10 October 2023, a landmine exploded under a minibus near Tessit, killing four "
        "passengers.",
        "exploded",
        "explosion",
    ),
    (
        "On 21 May 2024, Fulani militia attacked the village of Mangu in Plateau state, killing "
        "17 residents and burning houses.",
        "attacked",
        "attack_on_civilians",
    ),
    (
        "On 6 February 2024, police detained at least 40 people at a rally in Moscow marking the "
        "death of an opposition politician.",
        "detained",
        "arrest",
    ),
    (
        "On 15 September 2023, Azerbaijani forces launched an offensive against Armenian "
        "positions in Nagorno-Karabakh.",
        "offensive",
        "ground_assault",
    ),
    (
        "On 2 November 2023, a mob lynched a man accused of theft in Kinshasa.",
        "lynched",
        "attack_on_civilians",
    ),
    (
        "On 23 March 2024, students clashed with police during a protest at the university in "
        "Nairobi; police used tear gas.",
        "clashed",
        "riot",
    ),
    (
        "On 17 April 2024, Russian forces dropped guided aerial bombs on Vovchansk, Kharkiv "
        "oblast, destroying several houses.",
        "dropped",
        "air_drone_strike",
    ),
    (
        "On 28 August 2023, Turkish drones struck a vehicle near Qamishli, killing two SDF "
        "members.",
        "struck",
        "air_drone_strike",
    ),
    (
        "On 9 July 2023, hundreds of people marched through Tel Aviv against the government's "
        "judicial overhaul. [size=hundreds]",
        "marched",
        "protest",
    ),
    (
        "On 31 October 2023, looters ransacked shops in the market of Goma after a night of "
        "violence.",
        "ransacked",
        "destruction",
    ),
    (
        "On 14 January 2024, Indian and Pakistani troops exchanged fire across the Line of "
        "Control in the Poonch sector.",
        "fire",
        "armed_clash",
    ),
    (
        "On 3 June 2024, ISWAP fighters ambushed a military patrol near Monguno, killing five "
        "soldiers.",
        "ambushed",
        "armed_clash",
    ),
    (
        "On 26 February 2024, Israeli forces raided the Nur Shams camp near Tulkarm and arrested "
        "several Palestinians.",
        "raided",
        "ground_assault",
    ),
    (
        "On 12 May 2024, artillery fire hit residential areas of Kharkiv, injuring three "
        "civilians.",
        "fire",
        "shelling_artillery_missile_attack",
    ),
    (
        "On 8 September 2023, taxi drivers blocked roads in Cape Town in protest against "
        "vehicle impoundments.",
        "protest",
        "protest",
    ),
    (
        "On 19 November 2023, gunmen kidnapped a Catholic priest in Enugu state.",
        "kidnapped",
        "abduction",
    ),
    (
        "On 1 March 2024, a car bomb exploded outside a hotel in Mogadishu, killing at least "
        "five people.",
        "exploded",
        "explosion",
    ),
    (
        "On 24 June 2023, Wagner Group fighters shot down several Russian military helicopters "
        "during their advance on Moscow.",
        "shot",
        "shoot_down",
    ),
    (
        "On 5 April 2024, demonstrators stormed the parliament building in Nairobi and set "
        "part of it on fire.",
        "stormed",
        "riot",
    ),
    (
        "On 30 May 2024, Russian forces carried out a drone strike on a civilian car in "
        "Kherson, killing the driver.",
        "strike",
        "air_drone_strike",
    ),
    (
        "On 11 December 2023, soldiers executed seven detainees in Djibo, according to witnesses.",
        "executed",
        "attack_on_civilians",
    ),
    (
        "On 20 August 2023, hospital nurses staged a sit-in outside the health ministry in "
        "Islamabad over unpaid wages.",
        "sit-in",
        "protest",
    ),
    (
        "On 2 February 2024, Russian forces attacked Ukrainian positions near Avdiivka with "
        "armored vehicles and infantry; the attack was repelled.",
        "attacked",
        "ground_assault",
    ),
    (
        "On 15 April 2024, police fired rubber bullets at demonstrators in Tbilisi protesting "
        "the foreign agents law.",
        "fired",
        "protest",
    ),
    (
        "On 27 September 2023, an explosion at a weapons depot in Shahr-e Kord caused several "
        "casualties.",
        "explosion",
        "explosion",
    ),
    (
        "On 7 January 2024, suspected Boko Haram militants burned down houses in Gwoza and "
        "killed four villagers.",
        "killed",
        "attack_on_civilians",
    ),
    (
        "On 18 October 2023, thousands of people protested in Amman in solidarity with Gaza.",
        "protested",
        "protest",
    ),
    (
        "On 4 July 2023, Israeli forces conducted an operation in Jenin refugee camp, killing "
        "12 Palestinians.",
        "operation",
        "ground_assault",
    ),
    (
        "On 13 March 2024, Ukrainian artillery shelled the centre of Donetsk city, killing one "
        "civilian, according to local authorities.",
        "shelled",
        "shelling_artillery_missile_attack",
    ),
    (
        "On 22 December 2023, police raided the home of a journalist in Dhaka and detained him "
        "for questioning.",
        "detained",
        "arrest",
    ),
    (
        "On 9 September 2023, armed bandits killed 10 people in an attack on a market in "
        "Zamfara state.",
        "attack",
        "attack_on_civilians",
    ),
    (
        "On 16 June 2024, residents blocked the highway near Valparaiso and burned tyres to "
        "protest water shortages.",
        "protest",
        "protest",
    ),
    (
        "On 1 February 2024, US forces struck Houthi missile launchers near Hodeidah.",
        "struck",
        "air_drone_strike",
    ),
    (
        "On 25 October 2023, Rohingya armed groups fought each other in a refugee camp in "
        "Cox's Bazar, leaving two dead.",
        "fought",
        "armed_clash",
    ),
    (
        "On 10 April 2024, Russian troops captured the village of Pervomaiske, Donetsk oblast.",
        "captured",
        "ground_assault",
    ),
    (
        "On 3 January 2024, two explosions near the tomb of Qassem Soleimani in Kerman killed "
        "more than 90 people.",
        "explosions",
        "explosion",
    ),
    (
        "On 14 August 2023, soldiers beat and detained a group of young men at a checkpoint "
        "near Bamenda.",
        "detained",
        "arrest",
    ),
    (
        "On 21 September 2023, dock workers at the port of Antwerp walked out in a strike over "
        "pensions.",
        "strike",
        "protest",
    ),
    (
        "On 6 May 2024, a Russian glide bomb struck a residential area in Kharkiv, injuring "
        "eight people.",
        "struck",
        "air_drone_strike",
    ),
    (
        "On 19 March 2024, gunmen opened fire on worshippers at a mosque in Niamey, killing three.",
        "fire",
        "attack_on_civilians",
    ),
    (
        "On 28 April 2024, pro-Palestinian students occupied a campus building at Columbia "
        "University in New York.",
        "occupied",
        "protest",
    ),
    (
        "On 11 November 2023, Hezbollah fired anti-tank missiles at an Israeli army post near "
        "Shtula, wounding several soldiers.",
        "fired",
        "shelling_artillery_missile_attack",
    ),
    (
        "On 2 August 2023, M23 rebels seized the town of Kitshanga after heavy fighting with "
        "the army.",
        "seized",
        "ground_assault",
    ),
    (
        "On 24 May 2024, security forces dispersed a demonstration in Khartoum with tear gas.",
        "demonstration",
        "protest",
    ),
    (
        "On 17 December 2023, unidentified assailants set fire to a church in Kafanchan.",
        "set",
        "destruction",
    ),
    (
        "On 8 January 2024, Russian missiles hit the city of Kryvyi Rih, killing two and "
        "injuring 38.",
        "hit",
        "shelling_artillery_missile_attack",
    ),
    (
        "On 30 September 2023, a grenade attack on a bar in Bujumbura wounded 11 people.",
        "attack",
        "explosion",
    ),
    (
        "On 12 February 2024, opposition supporters and ruling party activists fought with "
        "sticks and stones in Lahore; 15 were injured.",
        "fought",
        "riot",
    ),
    (
        "On 5 January 2024, Ukrainian special forces landed on the Kinburn spit and attacked "
        "Russian positions.",
        "attacked",
        "ground_assault",
    ),
    (
        "On 20 June 2023, Colombian police arrested a FARC dissident commander in Cauca.",
        "arrested",
        "arrest",
    ),
    (
        "On 9 May 2024, Israeli warplanes bombed a house in Rafah, killing a family of six.",
        "bombed",
        "air_drone_strike",
    ),
    (
        "On 26 July 2023, soldiers detained the president in the presidential palace in Niamey "
        "in a coup.",
        "detained",
        "arrest",
    ),
    (
        "On 15 October 2023, a mortar shell landed on a market in Mogadishu, killing four "
        "civilians.",
        "shell",
        "shelling_artillery_missile_attack",
    ),
    (
        "On 4 April 2024, miners went on strike at a copper mine in Kolwezi over unpaid bonuses.",
        "strike",
        "protest",
    ),
    (
        "On 23 January 2024, Russian forces launched 40 missiles at Kyiv and Kharkiv, killing "
        "at least 18 people.",
        "launched",
        "shelling_artillery_missile_attack",
    ),
    (
        "On 13 September 2023, pastoralists and farmers clashed near Bokkos, leaving 8 dead.",
        "clashed",
        "armed_clash",
    ),
    (
        "On 7 June 2024, a crowd attacked and burned a police vehicle in Kumasi after a "
        "motorcyclist died in custody.",
        "attacked",
        "riot",
    ),
    (
        "On 18 February 2024, Russian forces took full control of Avdiivka after months of "
        "fighting.",
        "fighting",
        "ground_assault",
    ),
    (
        "On 29 November 2023, Ukrainian naval drones attacked a Russian landing ship in Feodosia.",
        "attacked",
        "air_drone_strike",
    ),
]

BLIND = [
    (
        "On 2 March 2024, Russian forces struck a port facility in Odesa with a drone, killing "
        "12 people.",
        "struck",
        "air_drone_strike",
    ),
    (
        "On 14 May 2024, around 500 teachers demonstrated in front of the education ministry "
        "in Lima over pay. [size=around 500]",
        "demonstrated",
        "protest",
    ),
    (
        "On 3 October 2023, gunmen attacked a bus carrying miners in Kidal region, killing seven.",
        "attacked",
        "attack_on_civilians",
    ),
    (
        "On 19 April 2024, police arrested a TikTok activist at his home in Algiers.",
        "arrested",
        "arrest",
    ),
    (
        "On 8 August 2023, Ukrainian artillery shelled Russian positions near Klishchiivka.",
        "shelled",
        "shelling_artillery_missile_attack",
    ),
    (
        "On 27 January 2024, a drone attack killed three US soldiers at a base in Jordan.",
        "attack",
        "air_drone_strike",
    ),
    (
        "On 11 June 2024, fighting broke out between two armed factions in Tripoli; at least "
        "four people were killed.",
        "fighting",
        "armed_clash",
    ),
    (
        "On 21 October 2023, an IED exploded near a police vehicle in Balochistan, wounding "
        "three officers.",
        "exploded",
        "explosion",
    ),
    (
        "On 6 December 2023, thousands of people took part in a march in Buenos Aires against "
        "austerity measures.",
        "march",
        "protest",
    ),
    (
        "On 15 July 2023, unidentified men kidnapped two aid workers near Gao.",
        "kidnapped",
        "abduction",
    ),
    (
        "On 29 February 2024, Israeli troops opened fire on a crowd waiting for aid in Gaza "
        "City, killing more than 100 people.",
        "fire",
        "attack_on_civilians",
    ),
    (
        "On 18 May 2024, Ukrainian air defence shot down 37 Russian drones over several regions.",
        "shot",
        "shoot_down",
    ),
    (
        "On 1 September 2023, protesters clashed with police in Dhaka; dozens were injured.",
        "clashed",
        "riot",
    ),
    (
        "On 9 November 2023, the RSF took control of the army base in Ardamata, West Darfur.",
        "took",
        "ground_assault",
    ),
    (
        "On 24 February 2024, a Russian missile hit an apartment block in Dnipro, killing two "
        "residents.",
        "hit",
        "shelling_artillery_missile_attack",
    ),
    (
        "On 12 March 2024, bus drivers went on strike in Lagos over fuel prices.",
        "strike",
        "protest",
    ),
    (
        "On 4 June 2023, ADF rebels killed nine civilians in an attack on a village in Ituri.",
        "killed",
        "attack_on_civilians",
    ),
    (
        "On 26 November 2023, security forces detained dozens of protesters in Yerevan.",
        "detained",
        "arrest",
    ),
    (
        "On 17 January 2024, Pakistan carried out airstrikes against militants in Iran's "
        "Sistan-Baluchestan province.",
        "airstrikes",
        "air_drone_strike",
    ),
    (
        "On 30 July 2023, a suicide bombing at a political rally in Bajaur killed at least 54 "
        "people.",
        "bombing",
        "explosion",
    ),
    (
        "On 5 May 2024, residents burned tyres and blocked roads in Port Harcourt to protest "
        "power cuts.",
        "protest",
        "protest",
    ),
    (
        "On 22 April 2024, Russian forces shelled Kherson, damaging a hospital and injuring "
        "two nurses.",
        "shelled",
        "shelling_artillery_missile_attack",
    ),
    (
        "On 13 November 2023, militants ambushed an army convoy in North Waziristan, killing "
        "four soldiers.",
        "ambushed",
        "armed_clash",
    ),
    (
        "On 7 September 2023, rioters looted shops and set cars on fire in Johannesburg.",
        "looted",
        "riot",
    ),
    (
        "On 16 February 2024, Ukrainian troops withdrew from Avdiivka after Russian forces "
        "stormed the city.",
        "stormed",
        "ground_assault",
    ),
    (
        "On 2 January 2024, an Israeli drone strike killed a senior Hamas official in Beirut.",
        "strike",
        "air_drone_strike",
    ),
    (
        "On 20 October 2023, hundreds of people rallied outside the US embassy in Jakarta "
        "to protest the war in Gaza.",
        "rallied",
        "protest",
    ),
    ("On 8 April 2024, police detained an opposition mayor in Istanbul.", "detained", "arrest"),
    (
        "On 28 June 2023, an explosion at a market in Kabul killed five people.",
        "explosion",
        "explosion",
    ),
    (
        "On 10 December 2023, armed groups clashed with the army in the outskirts of Bamako.",
        "clashed",
        "armed_clash",
    ),
    (
        "On 19 September 2023, Azerbaijan launched military operations in Nagorno-Karabakh, "
        "shelling Stepanakert.",
        "shelling",
        "shelling_artillery_missile_attack",
    ),
    (
        "On 3 April 2024, Houthi forces fired a missile at a merchant ship in the Red Sea.",
        "fired",
        "shelling_artillery_missile_attack",
    ),
    (
        "On 25 August 2023, gunmen killed a journalist outside his home in Tegucigalpa.",
        "killed",
        "attack_on_civilians",
    ),
    (
        "On 14 October 2023, students staged a protest at the University of Yaounde over fee "
        "increases.",
        "protest",
        "protest",
    ),
    (
        "On 31 May 2024, Russian forces captured the village of Umanske in Donetsk oblast.",
        "captured",
        "ground_assault",
    ),
    (
        "On 6 March 2024, soldiers abducted a local councillor in Kayes region.",
        "abducted",
        "abduction",
    ),
    (
        "On 21 January 2024, shelling hit a market in Donetsk city, killing 27 people.",
        "shelling",
        "shelling_artillery_missile_attack",
    ),
    ("On 11 August 2023, a landmine killed two children near Kandahar.", "landmine", "explosion"),
    (
        "On 23 June 2024, police fired tear gas at protesters outside parliament in Nairobi.",
        "fired",
        "protest",
    ),
    (
        "On 1 May 2024, Ukrainian drones hit an oil depot in Bryansk region, causing a fire.",
        "hit",
        "air_drone_strike",
    ),
]


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    dev, held = [], []
    for n, (text, trigger, etype) in enumerate(REPORTS + BLIND):
        start = text.index(trigger)
        doc = {"id": f"acled-written-{n:03d}", "lang": "en", "kind": "conflict",
               "source": "written by the events helper in the style of ACLED notes",
               "text": text, "spans": [{"start": start, "end": start + len(trigger),
                                         "label": etype}]}  # fmt: skip
        (held if n >= len(REPORTS) else dev).append(doc)
    for name, docs in (("dev", dev), ("heldout", held)):
        path = OUT / f"acled-written-{name}.jsonl"
        path.write_text("".join(json.dumps(d, ensure_ascii=False) + "\n" for d in docs),
                        encoding="utf-8")  # fmt: skip
        print(path, len(docs))


if __name__ == "__main__":
    main()
