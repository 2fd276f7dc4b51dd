"""Expected content of annex 2 (2016): "Overzicht van samenwerkingsthema’s".

This module is a *hand transcription* of
``/work/shared/seed/bijlage-2-samenwerkingsthemas-2016.txt`` (a PDF text extraction of a
Dutch government annex). It was written by reading the text, independently of any parser,
and serves as an oracle for tests of the annex parser. Do not regenerate it with the parser.

Conventions:

* Section headings are given exactly as in the text, with trailing spaces stripped.
* Introductions are the untitled paragraphs that open a section (before the first theme).
* Paragraph text (introductions and descriptions) is normalised: lines joined with single
  spaces, words split at a line end rejoined without a space while keeping the hyphen
  ("F-" + "16’s" -> "F-16’s"), runs of whitespace collapsed, leading/trailing space removed.
* Titles are given with runs of whitespace collapsed: the text has a double space in
  "UK/NL  Amphibious Force" (twice); it is transcribed as "UK/NL Amphibious Force".
* Commands are the inside of the closing command parenthesis, exactly as written
  (a parenthesis broken over two lines is joined with a single space); ``None`` when a
  theme has no command parenthesis.
* Descriptions exclude the title, the ": " after it and the closing command parenthesis
  with the space before it; the description's own final period is kept.
* Typographic characters (’ ‘ – ë ï ö ä ç é) are kept as in the text, as are the
  source's own typos (e.g. "wapenheersingsinspecties", "interoperabilitiet", "markplaats").
"""

SECTION_KEYS = [
    "benelux",
    "deu",
    "fra",
    "nor",
    "gbr",
    "usa",
    "overige-partners",
    "specifieke-themas",
    "nato",
    "eu",
    "multilateraal",
    "munitie",
]

SECTION_HEADINGS = {
    "benelux": "Samenwerkingsgebieden met België en Luxemburg",
    "deu": "Samenwerkingsgebieden met Duitsland",
    "fra": "Samenwerkingsgebieden met Frankrijk",
    "nor": "Samenwerkingsgebieden met Noorwegen",
    "gbr": "Samenwerkingsgebieden met het Verenigd Koninkrijk",
    "usa": "Samenwerkingsgebieden met de Verenigde Staten",
    "overige-partners": "Overige Navo en EU-partners; andere partners",
    "specifieke-themas": "Partners voor specifieke thema’s",
    "nato": "Samenwerkingsgebieden in de Navo",
    "eu": "Samenwerkingsgebieden in de EU",
    "multilateraal": "Overige multilaterale samenwerkingsgebieden",
    "munitie": "Samenwerking op het gebied van munitie",
}

SECTION_INTRODUCTIONS = {
    "benelux": [
        "Structurele samenwerking op basis van de ministeriële verklaring van 18 april 2012, "
        "geleid door een tri-nationale stuurgroep. Luxemburg heeft in 2016 het "
        "voorzitterschap hiervan, Nederland neemt dit in 2017 over.",
    ],
    "deu": [
        "Enkele van de genoemde onderwerpen vloeien voort uit de Declaration of Intent die "
        "beide ministers van Defensie hebben getekend op 28 mei 2013. Andere "
        "samenwerkingsgebieden zijn al van oudere datum.",
    ],
    "fra": [],
    "nor": [],
    "gbr": [],
    "usa": [],
    "overige-partners": [
        "Met diverse Navo en EU-partners en met andere partners zoals Australië, Indonesië en "
        "Israël bestaan – buiten de multilaterale kaders – ook bilaterale "
        "samenwerkingsverbanden op uiteenlopende gebieden die per partner verschillen. Het "
        "kan gaan om bijvoorbeeld kennisuitwisseling, operationele samenwerking, gezamenlijk "
        "oefenen, opleiding en training en materieelsamenwerking.",
    ],
    "specifieke-themas": [
        "Buiten de strategische partners zijn er veel, vaak tijdelijke, bilaterale relaties "
        "met landen rondom specifieke thema’s. Voorbeelden bij operaties zijn Afghanistan en "
        "de Verenigde Arabische Emiraten (logistiek); diverse landen in Afrika met het oog op "
        "bevordering van ontwikkeling en stabiliteit, waaronder Oeganda met het "
        "ACOTA-programma en een juridisch opleidingscentrum dat opleidingen over "
        "internationaal oorlogsrecht voor regionale legal advisors verzorgt; partnerlanden in "
        "antipiraterijoperaties zoals Malta, de Verenigde Arabische Emiraten, Egypte, "
        "Singapore, Kenia en Zuid-Afrika; partners voor oefenen, opleiding en training, "
        "bijvoorbeeld onderzoek naar jungletrainingsmogelijkheden in Ghana, en "
        "trainingsfaciliteiten voor special forces in Israël; en samenwerking met landen in "
        "verband met instandhouding, verkoop en afstoting van materieel, bijvoorbeeld Peru, "
        "Estland, Finland, Portugal, Chili en Jordanië.",
    ],
    "nato": [
        "Nederland heeft in 2015 samen met Duitsland en Noorwegen in het kader van de NATO "
        "Response Force invulling gegeven aan de test bed functie voor de Very High Readiness "
        "Joint Task Force (VJTF). In de komende jaren zal Nederland deel blijven nemen aan de "
        "NRF. Duitsland, Nederland en Noorwegen voorzien een gezamenlijke bijdrage aan de VJTF "
        "in 2019.",
        "Daarnaast is Nederland betrokken bij de volgende projecten en initiatieven in het "
        "kader van Smart Defence. Bij de meeste daarvan is sprake van een defensiebrede "
        "betrokkenheid:",
    ],
    "eu": [
        "Naast de reguliere en veelomvattende samenwerking in EU-verband is Nederland in "
        "EU-kader betrokken bij de volgende projecten en initiatieven, waarbij ook het "
        "Europees Defensieagentschap (EDA) een rol speelt. Bij de meeste daarvan is sprake "
        "van een defensiebrede betrokkenheid:",
    ],
    "multilateraal": [],
    "munitie": [
        "In de rapportage van 30 oktober 2015 is ingegaan op enkele factoren die samenwerking "
        "op het terrein van munitie ingewikkeld maken, zoals het harmoniseren van de "
        "uiteenlopende eisen bij de certificering van munitie. Omdat de veiligheid hier in het "
        "geding is, worden geen concessies gedaan. Defensie zal de inspanningen op dit gebied "
        "echter voortzetten. Naast het overleg in Navo en EU-verband bieden gesprekken met "
        "België, Denemarken, Duitsland en Estland mogelijkheden. Met België en Duitsland "
        "wordt bij uiteenlopende munitiesoorten reeds samengewerkt. De samenwerking met "
        "Denemarken en Estland heeft vooral betrekking op munitie voor de CV-90.",
        "En marge van de Navo-ministeriële op 11 februari jl. heb ik een Memorandum of "
        "Understanding getekend over samenwerking op het gebied van precisiegeleide "
        "lucht-grondmunitie (PGM). Naast lead nation Denemarken nemen België, Griekenland, "
        "Noorwegen, Portugal, Spanje en Tsjechië deel aan dit NATO Smart Defence project. "
        "Uiteindelijk moet het project het mogelijk maken gezamenlijk PGM aan te schaffen en "
        "deze uit te wisselen met minder complexe procedures.",
    ],
}

THEMES = {
    "benelux": [
        ("Helikopters", "CZSK, CLSK, DMO"),
        ("Gevechtsleiders luchtmacht", "CLSK"),
        ("Luchtruimbewaking", "CLSK"),  # written "samenwerking.(CLSK)", no space
        ("Bestrijding ISIS", None),
        ("Korps Mariniers en Lichte Brigade", None),  # title on its own line, no colon
        ("Opleiding & training", "CZSK, CLAS, CLSK"),
        ("Tactische oefeningen en schietseries", "CLAS"),
        ("Operationele landmachtsamenwerking", "CLAS"),
        ("Special Forces", "CZSK, CLAS"),
        ("Uitwisseling officieren", "CZSK, CLAS, CLSK"),
        ("Militaire gezondheidszorg", "CZSK, CLAS, CLSK"),
        ("Verkenningen (ISTAR)", "DMO, CLAS"),
        ("Officiersopleidingen", "CDC"),
        ("Wapenbeheersing", "CZSK, CLAS, CLSK"),
        ("Benesam", "CZSK, DMO"),
        ("Marineschepen", "DMO, CZSK"),
        ("Smart Vest", "DMO, CZSK, CLAS"),
        ("Overig materieel", "DMO, CZSK, CLAS en CLSK"),
        ("Investeringsplan", None),
        ("EUBG 2018", "CLAS, CLSK"),
        ("Naval Mine Warfare Centre of Excellence", "CZSK"),
    ],
    "deu": [
        ("Operationele integratie Seebataillon", "CZSK"),
        ("Medegebruik JSS", None),
        ("Duits-Nederlands legerkorpshoofdkwartier", "CLAS"),
        ("Luchtmobiele brigade", "CLAS"),
        ("Tanks en 43e Gemechaniseerde Brigade", "CLAS"),
        ("Lucht- en raketverdediging", "DMO, CZSK, CLAS en CLSK"),
        ("Artillerie", "CLAS, DMO"),
        ("Doctrine", "CZSK, CLAS"),
        ("Cyber", "Defensie Cyber Commando"),
        ("Uitwisseling van personeel", "CZSK, CLAS, DMO"),
        ("Opleidingen & training", "CZSK, CLAS, CLSK"),
        ("Oefenmogelijkheden", "CZSK, CLAS, CLSK"),
        ("Militaire gezondheidszorg", "CDC/DGO, CLAS, CLSK, CZSK"),
        ("Joint capaciteiten", None),
        ("Capaciteitenontwikkeling", "DMO, CZSK, CLAS, CLSK"),
        ("Materieel", "DMO, CZSK, CLAS, CLSK"),
        ("CSSM", "DMO, CZSK"),
    ],
    "fra": [
        ("Opleiding & training", "CLAS"),
        ("Jungleschool", "CZSK, CLAS"),
        ("Uitwisseling officieren", "CZSK, CLAS, CLSK, CKMar"),
        ("Politiemissies", "CKMar"),
        ("Nationale operaties", "CLAS, CKMar"),
        ("Sub-Sahara", "CLAS"),
        ("Anti-drugsoperaties", "CZSK, CKMar"),
        ("Capaciteitenontwikkeling", "DMO, CLAS"),
        ("Cyber", None),
        ("Officiersopleidingen", "CZSK, CLAS, CKMar"),
        ("Quadri Parti Cooperation", "CZSK, CLAS, CKMar"),
    ],
    "nor": [
        ("Hoge Noorden", None),
        ("Jachtvliegtuigen", "CLSK, DMO"),
        ("Onderzeeboten", "CZSK"),
        ("UK/NL Amphibious Force", "CZSK"),  # text: "UK/NL  Amphibious Force"
        ("Oefenmogelijkheden", "CZSK, CLAS, CLSK"),
        ("Mijnenbestrijding", "CZSK"),
        ("Army Cooperation Initiative (ACI)", "CLAS"),
        ("VJTF", "CLAS"),
        ("Cyber", None),
        ("Strategic Mutual Assistance in Research and Technology (SMART)", None),
        ("Opleidingen", None),
    ],
    "gbr": [
        ("UK/NL Amphibious Force", "CZSK"),  # text: "UK/NL  Amphibious Force"
        ("Opleiding & Training", "CZSK, CLSK"),
        ("Doctrine en Concept Development & Experimentation (CD&E)", "CLAS"),
        ("Officiersopleidingen", "CZSK, CLAS, CKMar"),
        ("Uitwisseling personeel", "CZSK, CLAS, CLSK, DMO"),
        ("Onderhoud", "CZSK, DMO"),
        ("F-35", "CLSK, DMO"),
        ("Joint Expeditionary Force (JEF)", "CZSK"),
        ("Migratie", "CKMar"),
    ],
    "usa": [
        ("Doctrinevorming en -ontwikkeling", "CZSK, CLAS, CLSK"),
        ("Opleiding, training en oefeningen", "CZSK, CLAS, CLSK, CKMar"),
        ("Materieel", "CZSK, CLAS, CLSK, DMO"),
        ("Anti-drugsoperaties", "CZSK, CLSK"),
        ("F-35", "CLSK, DMO"),
    ],
    "overige-partners": [],
    "specifieke-themas": [],
    "nato": [
        ("Immersive Training Environment", None),
        ("Centres of Excellence (COE) as hub of Education and Individual Training", None),
        ("CIS E-learning Training Centres Network", None),
        ("Individual Training and Education Programme", None),
        ("Remote Controlled Vehicles for Route Clearance Operations", None),
        (
            "Female Leaders in Security and Defence: a Roadmap to Provide Equal Opportunities",
            None,
        ),
        ("Joint Logistics Support Group capability", None),
        ("Shared Operational Resources Tool", None),
        ("P&S MN Medical Treatment facilities (Role 2)", None),
        ("Pooling of Deployable Air Activation Modules", "CLSK"),
        ("Theatre Opening Capability", "CZSK"),
        ("Multinational Logistics Partnership – Fuel Handling", None),
        ("Dismantling, Demilitarization and Disposal (DD&D) of Military Equipment", None),
        ("Multinational Cooperation on Munitions", "BS, DMO"),
        ("Biometrics", "CLAS, BS"),
        ("Multinational Cyber Defence Capability Development (MNCD2)", "DMO"),
        ("Malware Information Sharing Platform (MISP)", "DMO"),
        ("SMART-L", "CZSK, DMO"),
    ],
    "eu": [
        ("Helicopter Training Programme", "CLSK"),
        ("MARSUR Network Development", "CZSK"),
        ("Multinational Modular Medical Units", None),
        ("Air-to-Air Refueling", "CLSK, DMO"),
        ("Pilot Training", "CZSK, CLSK"),
        ("European Multimodal Transport Hubs", None),
        ("Smart Munitions", "DMO"),
        ("JDEAL", "CLAS"),  # written "activiteiten (CLAS)." with the period after
        ("Personnel Recovery", None),
        ("Cyber Defence", "CLAS"),
        ("RPAS", "DMO"),
        ("Maritime Mine Counter Measures", "CZSK, DMO"),
        ("Sharing of Spare Parts", "DMO"),
        ("Single European Sky: Military Implementation (SES/SESAR)", "CLSK"),
    ],
    "multilateraal": [
        ("Movement Coordination Centre Europe (MCCE)", "CLSK"),
        ("European Air Transport Command (EATC)", "CLSK"),
        ("Strategic Airlift Capability (SAC) C-17", "CLSK"),
        ("Multinational Sealift Steering Committee (MSSC)", None),
        ("European Gendarmerie Force (EUROGENDFOR)", "CKMar"),
        ("European Air Group (EAG)", "CLSK"),
        ("Multinational Fighter Program (MNFP)", "CLSK, DMO"),
        ("Nordic Centre for Gender in Military Operations (NCGM)", None),
    ],
    "munitie": [],
}

SAMPLE_DESCRIPTIONS = {
    # Straddles a page break mid-sentence; command written "samenwerking.(CLSK)".
    ("benelux", "Luchtruimbewaking"): (
        "Vanaf 1 januari a.s. zijn België en Nederland bij toerbeurt verantwoordelijk voor de "
        "bewaking met jachtvliegtuigen van het hele Benelux-luchtruim. Het betreft zowel "
        "militaire dreigingen als civiele vliegtuigen waarvan een terroristische dreiging "
        "uitgaat (Renegade). Luxemburg heeft daarbij voor het eigen luchtruim het gebruik van "
        "dodelijk geweld uitgesloten. België, Nederland en Luxemburg zijn met Frankrijk en "
        "Duitsland in gesprek over aanvullende samenwerking."
    ),
    # "F-" / "16’s" split at a line end; no commands.
    ("benelux", "Bestrijding ISIS"): (
        "Tot 1 juli 2015 namen België en Nederland beide met F-16’s aan deze operatie deel. "
        "Van 1 juli 2015 tot 1 juli jl. heeft Nederland deze F-16 taak vervuld, waarbij België "
        "een bijdrage heeft geleverd aan de bescherming van de eenheid op de grond (force "
        "protection). Vanaf 1 juli jl. heeft België Nederland afgelost bij de inzet van "
        "F-16’s en vervult Nederland deze beschermingstaak."
    ),
    # Title on its own line without a colon.
    ("benelux", "Korps Mariniers en Lichte Brigade"): (
        "In juni 2016 hebben de Belgische commandant van de Landcomponent en de Nederlandse "
        "commandant Zeestrijdkrachten een overeenkomst getekend over verdieping van de "
        "samenwerking tussen het Korps Mariniers en de Belgische Lichte Brigade. Het Korps "
        "Mariniers gaat delen van de Lichte Brigade trainen in het amfibisch optreden en het "
        "optreden in extreme omstandigheden."
    ),
    # "civiel-" / "militaire" split at a line end.
    ("benelux", "Opleiding & training"): (
        "de drie landen maken steeds meer wederzijds gebruik van bestaande opleidings- en "
        "oefenfaciliteiten, zoals op het gebied van civiel-militaire samenwerking (CIMIC), "
        "explosievenopruiming (EOD), verdediging tegen chemische, biologische, radiologische "
        "en nucleaire stoffen (CBRN), vuursteun, genie, logistiek, informatie-operaties en "
        "Counter-IED. Waar mogelijk worden doctrines en syllabi gesynchroniseerd om tot "
        "gezamenlijke opleidingen te komen. De gezamenlijke paraschool in het Belgische "
        "Schaffen organiseert inmiddels de gezamenlijke basisopleiding automatische opening "
        "en die voor jumpmaster."
    ),
    # "Benelux-" / "centrum" split; command parenthesis on its own line.
    ("benelux", "Tactische oefeningen en schietseries"): (
        "sinds begin 2014 maken Nederlandse en Belgische landmachteenheden gezamenlijk "
        "gebruik van het schiet- en oefenterrein in het Duitse Bergen-Hohne. Sinds 2016 wordt "
        "daarbij een geïntegreerde trainingsagenda gehanteerd. De ontwikkeling van een "
        "Benelux-centrum voor simulaties van landoptreden in Amersfoort is in onderzoek."
    ),
    # Straddles a page break mid-sentence; commands split over two lines.
    ("benelux", "Uitwisseling officieren"): (
        "de uitwisseling van Belgisch-Nederlandse officieren bij de nationale staven, de "
        "staven van operationele commando’s, DMO en bij eenheden is succesvol gebleken en zal "
        "worden voortgezet."
    ),
    # First paragraph after a page break that falls between paragraphs.
    ("benelux", "Overig materieel"): (
        "het betreft onder meer de gezamenlijke verwerving van graafmachines, de aankoop en "
        "het beheer van reservedelen voor de NH-90 helikopter en samenwerking op het gebied "
        "van munitie."
    ),
    ("deu", "Cyber"): "onderzoeken van samenwerkingsmogelijkheden op het gebied van cyber.",
    ("deu", "Militaire gezondheidszorg"): (
        "gezamenlijk opleiden van vliegend personeel; training ter voorbereiding op "
        "uitzendingen; kennisuitwisseling; ontwikkelen van een Trauma Registratie Systeem en "
        "een modulaire Role 2/3 capaciteit (beide Navo-projecten); gezamenlijke en gedeelde "
        "onderzoeksprogramma’s; role 2/3 op JSS."
    ),
    # Ends with a non-command parenthesis "(CIS)." and has no commands.
    ("deu", "Joint capaciteiten"): (
        "onderzoeken van samenwerking op het gebied van joint capaciteiten zoals logistiek, "
        "CBRN, CIMIC, inlichtingen, elektronische oorlogvoering en commando- en "
        "informatiesystemen (CIS)."
    ),
    # Straddles a page break mid-sentence ("van" / "op afstand").
    ("fra", "Capaciteitenontwikkeling"): (
        "samenwerking bij de capaciteitenontwikkeling van op afstand bestuurbare onbemande "
        "systemen."
    ),
    ("nor", "UK/NL Amphibious Force"): (
        "Noorwegen heeft belangstelling voor nauwere samenwerking met de UK/NL Amphibious "
        "Force. De mogelijkheden worden onderzocht."
    ),
    # Straddles a page break mid-sentence.
    ("nor", "Oefenmogelijkheden"): (
        "de uitgestrektheid en klimatologische omstandigheden maken Noorwegen en andere "
        "landen in de regio aantrekkelijk voor oefeningen en training. Nederland maakt hier "
        "veelvuldig gebruik van en wil dit blijven doen."
    ),
    # Title line ends with the colon; description starts on the next line.
    ("nor", "Strategic Mutual Assistance in Research and Technology (SMART)"): (
        "Nederland en Noorwegen werken samen aan het project SMART over samenwerking bij "
        "kennis en innovatie, waarvan een eerste pilot over de periode tot 2018 zich richt op "
        "het CBRN-gebied. Op 29 oktober 2015 is een MoU ondertekend over samenwerking op dit "
        "gebied."
    ),
    # Straddles a page break mid-sentence ("bij een" / "Brits bedrijf.").
    ("gbr", "Opleiding & Training"): (
        "Nederland maakt gebruik van faciliteiten in het Verenigd Koninkrijk voor tactische "
        "oefeningen van de marine, landmacht en luchtmacht en het opwerken en trainen van "
        "Nederlandse marine-eenheden door deelneming aan de Flag Officer Sea Training (FOST). "
        "Nederlands personeel neemt structureel deel aan Britse opleidingen. De training van "
        "maritieme helikopterbemanningen gebeurt in het Verenigd Koninkrijk en bovendien "
        "maken Nederlandse Chinook-bemanningen gebruik van Britse simulatoren. In het kader "
        "van het Multi Role Tanker Transport (MRTT) programma wordt samen met de Royal Air "
        "Force (RAF) gewerkt aan het opleiden van twee tot vier vliegers en mogelijk technisch "
        "personeel bij een Brits bedrijf. De onderzeediensten van Noorwegen, het Verenigd "
        "Koninkrijk en Nederland werken nauw samen bij de opleiding van "
        "onderzeebootcommandanten."
    ),
    # Nested parentheses; description ends with ")." before the command parenthesis.
    ("gbr", "Officiersopleidingen"): (
        "Nederland laat officieren studeren aan het Royal College of Defence studies "
        "(leergang (internationaal) topmanagement) en de Advanced Command and Staffcourse "
        "(het Britse equivalent van de Hogere Defensie Vorming)."
    ),
    # Straddles a page break mid-sentence.
    ("usa", "Doctrinevorming en -ontwikkeling"): (
        "de Verenigde Staten zijn koploper op dit gebied in de wereld en binnen de Navo in "
        "het bijzonder. De uitwisseling van kennis omtrent doctrinevorming en -ontwikkeling "
        "wordt mogelijk gemaakt door het plaatsen van Nederlands personeel bij strategische "
        "militaire commando’s (CENTCOM, AFRICOM), bij operationele commando’s, bij "
        "krijgsmachtdeelstaven, bij hogere defensieopleidingen (Defense Colleges) en het U.S. "
        "Army Cyber Centre of Excellence."
    ),
    ("nato", "Centres of Excellence (COE) as hub of Education and Individual Training"): (
        "de Centres of Excellence zullen een leidende rol spelen bij opleiding en training op "
        "hun specialisme. Een COE is een multinationale entiteit die door Allied Command "
        "Transformation (ACT) wordt geaccrediteerd maar geen deel uitmaakt van de "
        "Navo-commandostructuur. Inmiddels zijn 24 COE’s door ACT geaccrediteerd. Nederland "
        "neemt deel aan dertien COE’s, en zal vanaf 2017 ook formeel toetreden tot het "
        "Strategic Communication (STRATCOM) COE."
    ),
    # Title contains a colon and spans two lines; follows a between-paragraph page break.
    (
        "nato",
        "Female Leaders in Security and Defence: a Roadmap to Provide Equal Opportunities",
    ): (
        "het opzetten van een conferentie als opstap naar een betere implementatie van "
        "VN-genderresolutie (VNVR 1325)."
    ),
    ("nato", "P&S MN Medical Treatment facilities (Role 2)"): (
        "het samenbrengen van multinationaal samengestelde medische faciliteiten op het "
        "niveau van Role 2 Enhanced."
    ),
    # Straddles a page break mid-sentence; command written "(CLAS)." with period after.
    ("eu", "JDEAL"): (
        "het Joint Deployable Exploitation and Analysis Laboratory is een door Nederland "
        "geleide internationale Counter-IED trainingsorganisatie inclusief een "
        "oefenlaboratorium met permanente en roulerende multinationale technische "
        "analysecapaciteit voor training en inzet. Met de uitzendbare JDEAL-faciliteiten "
        "kunnen uiteenlopende technische inlichtingen worden geanalyseerd, bijvoorbeeld ter "
        "ondersteuning van Counter-IED activiteiten."
    ),
    ("eu", "RPAS"): (
        "een programma voor samenwerking bij het gebruik van op afstand bestuurbare "
        "vliegtuigen (Remotely Piloted Aircraft Systems)."
    ),
    # Title contains a colon.
    ("eu", "Single European Sky: Military Implementation (SES/SESAR)"): (
        "het project behartigt de militaire belangen bij het doelmatiger gebruik van het "
        "luchtruim via het Single European Sky-programma (SES)."
    ),
    # Straddles a page break mid-sentence.
    ("multilateraal", "Strategic Airlift Capability (SAC) C-17"): (
        "de SAC C-17 is een internationaal samenwerkingsverband van twaalf landen voor het "
        "gezamenlijk beheer en gebruik van drie in Hongarije gestationeerde C-17 "
        "transportvliegtuigen van de Heavy Airlift Wing (HAW). De deelnemende landen "
        "beschikken hiermee over een strategische luchttransportcapaciteit aan de hand van "
        "een vlieguurverdeelsleutel."
    ),
    # "F-" / "16 gebruikers" split at a line end.
    ("multilateraal", "Multinational Fighter Program (MNFP)"): (
        "een samenwerkingsverband van F-16 gebruikers ten aanzien van onderhoud en modificaties."
    ),
    ("multilateraal", "Nordic Centre for Gender in Military Operations (NCGM)"): (
        "een expertisecentrum met als doel het trainen, opleiden en coördineren bij alle "
        "vraagstukken die te maken hebben met gender in het operationele domein. Daarnaast "
        "ondersteunt het NCGM tijdens stafoefeningen en gezamenlijke inzet."
    ),
}

THEME_COUNTS = {key: len(THEMES[key]) for key in SECTION_KEYS}

assert sum(THEME_COUNTS.values()) == 114, THEME_COUNTS
