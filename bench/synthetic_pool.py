"""A synthetic China-UK call for the review-assignment benchmark: applications, reviewers, teams.

Deterministic for a given seed. Texts are built from twelve research topics of an agri-food,
energy and environment programme, each with its own vocabulary, plus the general words every
proposal uses; applications mix one or two topics, reviewers have one or two. People belong to
real-looking institutions (email at a department subdomain, or webmail; ORCID iDs), and
institutions lean towards a few topics, so colleagues work on similar things and conflicts fall on
pairs that would otherwise score well. Conflicts are never listed: they come out of
``detect_conflicts`` from who people are (same institution or email domain, declared
collaborators, reviewers who are also applicants), about 2% of pairs.

Random draws are vectorised with numpy; strings are put together per record, which is cheap
next to the assignment itself (under 2 s for 20,000 applications and 4,000 reviewers).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from grants.reviews.detection import Person, ReviewerPerson
from grants.reviews.matching.affinity import ApplicationText, ReviewerText

AREAS = (
    "Sustainable agriculture and food security",
    "Food safety and nutrition",
    "Clean energy and net zero",
    "Environment, water and biodiversity",
    "Digital and data-driven agri-tech",
)

# name, priority area (index into AREAS), vocabulary of words and phrases.
TOPICS: tuple[tuple[str, int, tuple[str, ...]], ...] = (
    (
        "Crop genetics and breeding",
        0,
        (
            "wheat",
            "rice",
            "maize",
            "barley",
            "soybean",
            "oilseed rape",
            "drought tolerance",
            "heat stress",
            "salinity tolerance",
            "yield stability",
            "grain yield",
            "quantitative trait loci",
            "genomic selection",
            "genome-wide association",
            "marker-assisted selection",
            "gene editing",
            "CRISPR-Cas9",
            "transcriptomics",
            "root architecture",
            "photosynthetic efficiency",
            "germplasm",
            "landraces",
            "wild relatives",
            "pangenome",
            "haplotype",
            "allele mining",
            "phenotyping",
            "flowering time",
            "plant height",
            "tillering",
            "grain quality",
            "starch composition",
            "nitrogen uptake",
            "stomatal conductance",
            "abiotic stress",
            "breeding lines",
            "hybrid vigour",
            "polyploidy",
            "speed breeding",
            "doubled haploids",
            "introgression",
            "cultivar",
            "seed vigour",
            "epigenetic regulation",
            "transcription factors",
            "near-isogenic lines",
            "multi-environment trials",
            "genotype by environment interaction",
            "crop improvement",
        ),
    ),
    (
        "Soil health and nutrient cycling",
        0,
        (
            "soil organic carbon",
            "soil health",
            "nitrogen use efficiency",
            "phosphorus",
            "potassium",
            "soil microbiome",
            "rhizosphere",
            "mycorrhizal fungi",
            "nitrification",
            "denitrification",
            "nitrate leaching",
            "fertiliser",
            "organic amendments",
            "manure",
            "straw return",
            "conservation tillage",
            "no-till",
            "cover crops",
            "crop rotation",
            "soil compaction",
            "soil erosion",
            "aggregate stability",
            "soil acidification",
            "liming",
            "heavy metals",
            "cadmium",
            "soil fauna",
            "earthworms",
            "nutrient cycling",
            "biological nitrogen fixation",
            "legumes",
            "intercropping",
            "soil moisture",
            "bulk density",
            "stable isotopes",
            "mineralisation",
            "humus",
            "paddy soils",
            "black soils",
            "red soils",
            "soil enzymes",
            "microbial biomass",
            "carbon sequestration in soils",
            "degraded land",
            "soil restoration",
            "slow-release fertiliser",
            "precision nutrient management",
        ),
    ),
    (
        "Plant health and crop protection",
        0,
        (
            "wheat rust",
            "rice blast",
            "fusarium head blight",
            "late blight",
            "powdery mildew",
            "septoria",
            "plant pathogens",
            "fungal pathogens",
            "bacterial wilt",
            "plant viruses",
            "insect pests",
            "aphids",
            "fall armyworm",
            "brown planthopper",
            "whitefly",
            "nematodes",
            "weeds",
            "herbicide resistance",
            "fungicide resistance",
            "insecticide resistance",
            "integrated pest management",
            "biological control",
            "natural enemies",
            "biopesticides",
            "resistance genes",
            "effector proteins",
            "host resistance",
            "disease surveillance",
            "epidemiology",
            "spore dispersal",
            "disease forecasting",
            "pesticide residues",
            "seed treatment",
            "endophytes",
            "induced resistance",
            "quarantine pests",
            "invasive species",
            "pathogen genomics",
            "field surveillance",
            "yield losses",
            "crop protection",
            "push-pull",
            "semiochemicals",
            "pheromone traps",
            "resistance durability",
        ),
    ),
    (
        "Livestock health and production",
        0,
        (
            "dairy cattle",
            "beef cattle",
            "pigs",
            "poultry",
            "sheep",
            "goats",
            "animal welfare",
            "animal health",
            "antimicrobial resistance",
            "antibiotic use",
            "vaccines",
            "vaccination",
            "African swine fever",
            "avian influenza",
            "foot-and-mouth disease",
            "bovine tuberculosis",
            "mastitis",
            "zoonoses",
            "One Health",
            "feed efficiency",
            "feed additives",
            "rumen microbiome",
            "enteric methane",
            "livestock genomics",
            "reproduction",
            "fertility",
            "milk yield",
            "heat stress in livestock",
            "housing systems",
            "biosecurity",
            "veterinary diagnostics",
            "herd health",
            "gut microbiota",
            "probiotics",
            "precision livestock farming",
            "grazing",
            "pasture",
            "forage",
            "silage",
            "manure management",
            "slaughter",
            "carcass quality",
            "disease transmission",
            "pathogen surveillance",
            "smallholder livestock",
        ),
    ),
    (
        "Aquaculture and fisheries",
        3,
        (
            "aquaculture",
            "fish farming",
            "shrimp",
            "salmon",
            "tilapia",
            "carp",
            "shellfish",
            "oysters",
            "mussels",
            "seaweed",
            "integrated multi-trophic aquaculture",
            "recirculating aquaculture systems",
            "fish feed",
            "fishmeal replacement",
            "insect meal",
            "algal oil",
            "fish health",
            "sea lice",
            "fish vaccines",
            "water quality",
            "dissolved oxygen",
            "ammonia",
            "harmful algal blooms",
            "fisheries management",
            "stock assessment",
            "bycatch",
            "marine protected areas",
            "coastal ecosystems",
            "rice-fish co-culture",
            "pond aquaculture",
            "offshore aquaculture",
            "fish welfare",
            "aquatic pathogens",
            "broodstock",
            "larval rearing",
            "growth performance",
            "omega-3 fatty acids",
            "microplastics",
            "seafood traceability",
            "fish processing",
            "aquatic ecology",
            "eutrophication",
            "estuaries",
        ),
    ),
    (
        "Food safety and nutrition",
        1,
        (
            "food safety",
            "foodborne pathogens",
            "Salmonella",
            "Listeria",
            "Campylobacter",
            "Escherichia coli",
            "mycotoxins",
            "aflatoxin",
            "deoxynivalenol",
            "food contaminants",
            "pesticide residues in food",
            "heavy metals in food",
            "food fraud",
            "authenticity",
            "traceability",
            "rapid detection",
            "biosensors",
            "spectroscopy",
            "mass spectrometry",
            "food processing",
            "shelf life",
            "food packaging",
            "cold chain",
            "food loss",
            "food waste",
            "nutrition",
            "micronutrients",
            "biofortification",
            "dietary intake",
            "protein quality",
            "alternative proteins",
            "plant-based foods",
            "fermentation",
            "probiotic foods",
            "gut health",
            "diet-related disease",
            "obesity",
            "malnutrition",
            "food systems",
            "food security",
            "consumer behaviour",
            "risk assessment",
            "hazard analysis",
            "food standards",
            "supply chains",
            "nutritional quality",
        ),
    ),
    (
        "Water resources and irrigation",
        3,
        (
            "water resources",
            "irrigation",
            "water-saving irrigation",
            "drip irrigation",
            "deficit irrigation",
            "groundwater",
            "aquifer depletion",
            "surface water",
            "river basin",
            "catchment",
            "hydrological modelling",
            "evapotranspiration",
            "water productivity",
            "water footprint",
            "drought",
            "flood risk",
            "extreme rainfall",
            "water quality",
            "diffuse pollution",
            "nitrate pollution",
            "wastewater reuse",
            "constructed wetlands",
            "water governance",
            "water allocation",
            "reservoirs",
            "soil water balance",
            "rainwater harvesting",
            "salinisation",
            "water table",
            "snowmelt",
            "glacier melt",
            "Yangtze River",
            "Yellow River",
            "sponge cities",
            "nature-based solutions",
            "water-energy-food nexus",
            "hydrological extremes",
            "sediment transport",
            "remote sensing of water",
            "irrigation scheduling",
            "crop water use",
            "water pricing",
        ),
    ),
    (
        "Bioenergy and biorefining",
        2,
        (
            "bioenergy",
            "biomass",
            "biorefinery",
            "anaerobic digestion",
            "biogas",
            "biomethane",
            "biochar",
            "pyrolysis",
            "gasification",
            "hydrothermal liquefaction",
            "lignocellulosic biomass",
            "crop residues",
            "straw",
            "energy crops",
            "miscanthus",
            "short rotation coppice",
            "willow",
            "bioethanol",
            "biodiesel",
            "sustainable aviation fuel",
            "enzymatic hydrolysis",
            "pretreatment",
            "microbial fermentation",
            "synthetic biology",
            "bioplastics",
            "platform chemicals",
            "circular bioeconomy",
            "waste valorisation",
            "food waste to energy",
            "digestate",
            "co-digestion",
            "process intensification",
            "techno-economic analysis",
            "life cycle assessment",
            "carbon capture",
            "bioenergy with carbon capture",
            "catalysis",
            "lignin valorisation",
            "biogas upgrading",
            "algal biofuels",
        ),
    ),
    (
        "Renewable energy systems",
        2,
        (
            "renewable energy",
            "solar photovoltaics",
            "agrivoltaics",
            "wind energy",
            "offshore wind",
            "energy storage",
            "battery storage",
            "hydrogen",
            "green hydrogen",
            "electrolysis",
            "heat pumps",
            "smart grids",
            "microgrids",
            "rural electrification",
            "demand response",
            "energy efficiency",
            "power electronics",
            "grid integration",
            "energy systems modelling",
            "decarbonisation",
            "net zero",
            "electric vehicles",
            "energy access",
            "energy poverty",
            "distributed generation",
            "power system stability",
            "forecasting",
            "energy markets",
            "energy policy",
            "carbon pricing",
            "low-carbon heating",
            "building energy",
            "cold storage",
            "solar drying",
            "energy transition",
            "grid flexibility",
            "hybrid energy systems",
            "hydropower",
            "pumped storage",
            "thermal storage",
        ),
    ),
    (
        "Climate change and greenhouse gases",
        3,
        (
            "climate change",
            "greenhouse gas emissions",
            "methane emissions",
            "nitrous oxide",
            "carbon dioxide",
            "carbon sequestration",
            "net zero agriculture",
            "climate mitigation",
            "climate adaptation",
            "climate resilience",
            "emission factors",
            "eddy covariance",
            "flux measurements",
            "carbon footprint",
            "land use change",
            "peatlands",
            "wetlands",
            "afforestation",
            "agroforestry",
            "carbon markets",
            "climate models",
            "crop models",
            "scenario analysis",
            "extreme weather",
            "heatwaves",
            "climate risk",
            "rice paddies",
            "ruminant methane",
            "soil carbon",
            "ecosystem carbon",
            "monitoring reporting and verification",
            "inventory",
            "mitigation options",
            "marginal abatement cost",
            "climate policy",
            "downscaling",
            "earth system models",
            "temperature rise",
            "CO2 fertilisation",
            "carbon accounting",
            "blue carbon",
        ),
    ),
    (
        "Biodiversity and ecosystem services",
        3,
        (
            "biodiversity",
            "ecosystem services",
            "pollinators",
            "bees",
            "wild pollinators",
            "habitat loss",
            "habitat restoration",
            "landscape ecology",
            "species richness",
            "functional diversity",
            "natural capital",
            "farmland birds",
            "hedgerows",
            "field margins",
            "agri-environment schemes",
            "rewilding",
            "protected areas",
            "grasslands",
            "forests",
            "wetland restoration",
            "invasive species",
            "ecological networks",
            "biological invasions",
            "conservation",
            "land sparing",
            "land sharing",
            "ecosystem resilience",
            "trophic interactions",
            "environmental DNA",
            "biodiversity monitoring",
            "camera traps",
            "citizen science",
            "ecosystem functioning",
            "pest regulation",
            "green infrastructure",
            "valuation",
            "payments for ecosystem services",
            "nature recovery",
            "plant communities",
            "soil biodiversity",
            "riparian zones",
        ),
    ),
    (
        "Digital agriculture and remote sensing",
        4,
        (
            "remote sensing",
            "satellite imagery",
            "Sentinel-2",
            "hyperspectral imaging",
            "unmanned aerial vehicles",
            "drones",
            "LiDAR",
            "machine learning",
            "deep learning",
            "computer vision",
            "convolutional neural networks",
            "yield prediction",
            "crop monitoring",
            "precision agriculture",
            "variable rate application",
            "internet of things",
            "sensor networks",
            "digital twins",
            "decision support systems",
            "big data",
            "data fusion",
            "cloud computing",
            "edge computing",
            "agricultural robotics",
            "autonomous vehicles",
            "robotic harvesting",
            "image analysis",
            "phenotyping platforms",
            "spectral indices",
            "NDVI",
            "crop mapping",
            "land cover classification",
            "time series",
            "data standards",
            "interoperability",
            "farm management information systems",
            "blockchain",
            "smart farming",
            "geospatial analysis",
            "uncertainty quantification",
            "explainable AI",
            "federated learning",
        ),
    ),
)

# Topic popularity among applications and among reviewers: close but not equal, so some topics
# are short of reviewers and the assignment has to trade.
APP_TOPIC_WEIGHTS = np.array([14, 11, 9, 9, 5, 8, 7, 7, 7, 9, 6, 8], dtype=float)
REVIEWER_TOPIC_WEIGHTS = np.array([12, 11, 10, 8, 6, 8, 8, 6, 8, 8, 7, 8], dtype=float)

GENERAL_PHRASES = (
    "integrated approach",
    "field experiments",
    "controlled environment",
    "long-term data",
    "stakeholder engagement",
    "capacity building",
    "knowledge exchange",
    "policy impact",
    "open data",
    "interdisciplinary research",
    "early-career researchers",
    "mechanistic understanding",
    "proof of concept",
    "pilot study",
    "scaling up",
    "evidence base",
    "case studies",
    "socio-economic analysis",
    "farmer participation",
    "technology transfer",
    "sustainability",
    "productivity",
    "resilience",
    "modelling framework",
    "statistical analysis",
    "uncertainty",
)
REGIONS = (
    "the North China Plain",
    "the Yangtze River Delta",
    "the Loess Plateau",
    "Yunnan Province",
    "Heilongjiang",
    "Inner Mongolia",
    "the Sichuan Basin",
    "Xinjiang",
    "the Pearl River Delta",
    "Shandong",
    "Scotland",
    "East Anglia",
    "Wales",
    "Northern Ireland",
    "the English Midlands",
    "south-west England",
    "the Scottish Highlands",
    "Lincolnshire",
)
METHODS = (
    "mechanistic models",
    "machine learning tools",
    "decision support tools",
    "life cycle assessment",
    "multi-omics approaches",
    "participatory approaches",
    "controlled-environment experiments",
    "long-term field experiments",
    "a meta-analysis",
    "process-based models",
    "systems modelling",
    "cost-benefit analysis",
    "network analysis",
    "randomised field trials",
    "household surveys",
)
STAKEHOLDERS = (
    "smallholder farmers",
    "policy makers",
    "agri-food businesses",
    "extension services",
    "regulators",
    "farmer cooperatives",
    "industry partners",
    "local communities",
    "energy utilities",
    "non-governmental organisations",
    "water authorities",
    "processors and retailers",
)
OUTPUTS = (
    "practical guidelines",
    "open datasets",
    "policy briefs",
    "a validated toolkit",
    "training materials",
    "peer-reviewed publications",
    "a prototype system",
    "an online platform",
    "field manuals",
)
ABSTRACT_SENTENCES = (
    "This project will investigate {a} and {b} in {region}.",
    "Building on our previous work on {a}, we will develop {method} for {b}.",
    "We will combine {a} with {b} to improve {c}.",
    "The UK and Chinese partners bring complementary expertise in {a} and {b}.",
    "Field sites in {region} and {region2} will quantify {a} under contrasting {b}.",
    "Work package {n} focuses on {a}, {b} and {c}.",
    "Outputs will include {output} on {a} for {stakeholder}.",
    "Despite recent advances, little is known about {a} and its effect on {b}.",
    "We hypothesise that {a} can reduce {b} without compromising {c}.",
    "Data will be shared openly and used to build {method} of {a}.",
    "The team will train early-career researchers in {a} and {b}.",
    "Impact will be delivered with {stakeholder} in both countries through {general}.",
    "A key challenge is to link {a} with {general} at scale.",
    "We will test whether {a} explains variation in {b} across {region}.",
    "Our approach uses {method}, {general} and new measurements of {a}.",
)
TITLE_PATTERNS = (
    "{A} and {b} for {general} in {region}",
    "Understanding {a} to improve {b} in China and the UK",
    "{A}: {method} for {b} and {c}",
    "Towards resilient {a} through {b}",
    "Harnessing {a} for {b} under climate change",
    "Linking {a}, {b} and {general} in {region}",
)
STATEMENT_SENTENCES = (
    "My research focuses on {a} and {b}.",
    "I lead a group working on {a}, with a particular interest in {b}.",
    "I have reviewed for national funders on {a} and {b}.",
    "Recent projects include work on {a} in {region} and on {b}.",
    "I use {method} to study {a}.",
    "I have {n} years of experience in {a} and {general}.",
    "I collaborate with {stakeholder} on {a}.",
    "My current work links {a} with {b} and {c}.",
)

GB_INSTITUTIONS = (
    ("University of Edinburgh", "ed.ac.uk", ("bio", "geos", "eng", "roslin", "vet")),
    ("The Roslin Institute", "ed.ac.uk", ("roslin",)),
    ("University of Cambridge", "cam.ac.uk", ("plantsci", "zoo", "geog", "eng", "vet")),
    ("University of Oxford", "ox.ac.uk", ("plants", "zoo", "ouce", "eng")),
    ("Imperial College London", "imperial.ac.uk", ("ic", "")),
    ("University College London", "ucl.ac.uk", ("",)),
    ("University of Reading", "reading.ac.uk", ("",)),
    ("University of Nottingham", "nottingham.ac.uk", ("",)),
    ("University of Leeds", "leeds.ac.uk", ("",)),
    ("University of Bristol", "bristol.ac.uk", ("",)),
    ("University of Manchester", "manchester.ac.uk", ("",)),
    ("Lancaster University", "lancaster.ac.uk", ("",)),
    ("University of Exeter", "exeter.ac.uk", ("",)),
    ("University of York", "york.ac.uk", ("",)),
    ("University of Sheffield", "sheffield.ac.uk", ("",)),
    ("Newcastle University", "newcastle.ac.uk", ("ncl", "")),
    ("University of Glasgow", "gla.ac.uk", ("glasgow", "")),
    ("University of Aberdeen", "abdn.ac.uk", ("",)),
    ("University of Dundee", "dundee.ac.uk", ("",)),
    ("University of St Andrews", "st-andrews.ac.uk", ("",)),
    ("Queen's University Belfast", "qub.ac.uk", ("",)),
    ("Cardiff University", "cardiff.ac.uk", ("",)),
    ("Swansea University", "swansea.ac.uk", ("",)),
    ("Aberystwyth University", "aber.ac.uk", ("ibers", "")),
    ("Bangor University", "bangor.ac.uk", ("",)),
    ("University of Birmingham", "bham.ac.uk", ("",)),
    ("University of Warwick", "warwick.ac.uk", ("",)),
    ("University of Southampton", "soton.ac.uk", ("",)),
    ("University of Bath", "bath.ac.uk", ("",)),
    ("University of Surrey", "surrey.ac.uk", ("",)),
    ("King's College London", "kcl.ac.uk", ("",)),
    ("Royal Veterinary College", "rvc.ac.uk", ("",)),
    ("Cranfield University", "cranfield.ac.uk", ("",)),
    ("Harper Adams University", "harper-adams.ac.uk", ("",)),
    ("Rothamsted Research", "rothamsted.ac.uk", ("",)),
    ("John Innes Centre", "jic.ac.uk", ("",)),
    ("Earlham Institute", "earlham.ac.uk", ("",)),
    ("The James Hutton Institute", "hutton.ac.uk", ("",)),
    ("Scotland's Rural College", "sruc.ac.uk", ("",)),
    ("The Pirbright Institute", "pirbright.ac.uk", ("",)),
    ("UK Centre for Ecology & Hydrology", "ceh.ac.uk", ("",)),
    ("Royal Botanic Gardens, Kew", "kew.org", ("",)),
    ("University of East Anglia", "uea.ac.uk", ("",)),
    ("University of Stirling", "stir.ac.uk", ("",)),
    ("University of Lincoln", "lincoln.ac.uk", ("",)),
    ("Heriot-Watt University", "hw.ac.uk", ("",)),
    ("University of Strathclyde", "strath.ac.uk", ("",)),
    ("Loughborough University", "lboro.ac.uk", ("",)),
    ("University of Liverpool", "liverpool.ac.uk", ("",)),
    ("Queen Mary University of London", "qmul.ac.uk", ("",)),
    ("University of Leicester", "le.ac.uk", ("",)),
    ("University of Hull", "hull.ac.uk", ("",)),
    ("University of Kent", "kent.ac.uk", ("",)),
    ("University of Sussex", "sussex.ac.uk", ("",)),
    ("University of Essex", "essex.ac.uk", ("",)),
    ("Durham University", "durham.ac.uk", ("",)),
    ("University of Plymouth", "plymouth.ac.uk", ("",)),
    ("University of Portsmouth", "port.ac.uk", ("",)),
    ("Brunel University London", "brunel.ac.uk", ("",)),
    ("Natural Resources Institute, University of Greenwich", "gre.ac.uk", ("",)),
    ("Royal Holloway, University of London", "rhul.ac.uk", ("",)),
    ("Keele University", "keele.ac.uk", ("",)),
    ("University of Hertfordshire", "herts.ac.uk", ("",)),
    ("Coventry University", "coventry.ac.uk", ("",)),
    ("Edinburgh Napier University", "napier.ac.uk", ("",)),
    ("Robert Gordon University", "rgu.ac.uk", ("",)),
    ("Ulster University", "ulster.ac.uk", ("",)),
    ("Agri-Food and Biosciences Institute", "afbini.gov.uk", ("",)),
    ("Marine Biological Association", "mba.ac.uk", ("",)),
    ("Plymouth Marine Laboratory", "pml.ac.uk", ("",)),
    ("NIAB", "niab.com", ("",)),
    ("Quadram Institute Bioscience", "quadram.ac.uk", ("",)),
    ("Moredun Research Institute", "moredun.ac.uk", ("",)),
    ("Fera Science", "fera.co.uk", ("",)),
    ("British Geological Survey", "bgs.ac.uk", ("",)),
    ("Scottish Association for Marine Science", "sams.ac.uk", ("",)),
)
CN_INSTITUTIONS = (
    ("China Agricultural University", "cau.edu.cn", ("", "mails")),
    ("Zhejiang University", "zju.edu.cn", ("",)),
    ("Nanjing Agricultural University", "njau.edu.cn", ("", "stu")),
    ("Northwest A&F University", "nwafu.edu.cn", ("", "nwsuaf")),
    ("Huazhong Agricultural University", "hzau.edu.cn", ("", "mail")),
    ("South China Agricultural University", "scau.edu.cn", ("",)),
    ("Chinese Academy of Agricultural Sciences", "caas.cn", ("",)),
    ("Institute of Soil Science, Chinese Academy of Sciences", "issas.ac.cn", ("",)),
    ("Institute of Geographic Sciences and Natural Resources Research, CAS", "igsnrr.ac.cn", ("",)),
    ("Institute of Genetics and Developmental Biology, CAS", "genetics.ac.cn", ("",)),
    ("Institute of Botany, Chinese Academy of Sciences", "ibcas.ac.cn", ("",)),
    ("Guangzhou Institute of Energy Conversion, CAS", "giec.ac.cn", ("ms", "")),
    ("Tsinghua University", "tsinghua.edu.cn", ("", "mail")),
    ("Peking University", "pku.edu.cn", ("",)),
    ("Shanghai Jiao Tong University", "sjtu.edu.cn", ("",)),
    ("Nanjing University", "nju.edu.cn", ("",)),
    ("Shandong Agricultural University", "sdau.edu.cn", ("",)),
    ("Jilin University", "jlu.edu.cn", ("",)),
    ("Northeast Agricultural University", "neau.edu.cn", ("",)),
    ("Yangzhou University", "yzu.edu.cn", ("",)),
    ("Fujian Agriculture and Forestry University", "fafu.edu.cn", ("",)),
    ("Southwest University", "swu.edu.cn", ("",)),
    ("Sichuan Agricultural University", "sicau.edu.cn", ("",)),
    ("Hebei Agricultural University", "hebau.edu.cn", ("",)),
    ("Ocean University of China", "ouc.edu.cn", ("", "stu")),
    ("Shanghai Ocean University", "shou.edu.cn", ("",)),
    ("Wuhan University", "whu.edu.cn", ("",)),
    ("Hohai University", "hhu.edu.cn", ("",)),
    ("Beijing Normal University", "bnu.edu.cn", ("", "mail")),
    ("Beijing Forestry University", "bjfu.edu.cn", ("",)),
    ("Northeast Forestry University", "nefu.edu.cn", ("",)),
    ("Xi'an Jiaotong University", "xjtu.edu.cn", ("", "stu")),
    ("Huazhong University of Science and Technology", "hust.edu.cn", ("",)),
    ("North China Electric Power University", "ncepu.edu.cn", ("",)),
    ("Jiangnan University", "jiangnan.edu.cn", ("",)),
    ("Henan Agricultural University", "henau.edu.cn", ("",)),
    ("Gansu Agricultural University", "gsau.edu.cn", ("",)),
    ("Yunnan Agricultural University", "ynau.edu.cn", ("",)),
    ("Hunan Agricultural University", "hunau.edu.cn", ("",)),
    ("Chinese Academy of Fishery Sciences", "cafs.ac.cn", ("",)),
    ("Institute of Subtropical Agriculture, CAS", "isa.ac.cn", ("",)),
    ("Research Center for Eco-Environmental Sciences, CAS", "rcees.ac.cn", ("",)),
    ("Zhejiang A&F University", "zafu.edu.cn", ("",)),
    ("Anhui Agricultural University", "ahau.edu.cn", ("",)),
    ("Xiamen University", "xmu.edu.cn", ("",)),
    ("Lanzhou University", "lzu.edu.cn", ("",)),
    ("Sun Yat-sen University", "sysu.edu.cn", ("", "mail2")),
    ("Chongqing University", "cqu.edu.cn", ("",)),
    ("Tianjin University", "tju.edu.cn", ("",)),
    ("Harbin Institute of Technology", "hit.edu.cn", ("",)),
    ("Zhejiang University of Technology", "zjut.edu.cn", ("",)),
    ("Jiangsu University", "ujs.edu.cn", ("",)),
    ("Qingdao Agricultural University", "qau.edu.cn", ("",)),
    ("Shenyang Agricultural University", "syau.edu.cn", ("",)),
    ("Jiangxi Agricultural University", "jxau.edu.cn", ("",)),
    ("Guangxi University", "gxu.edu.cn", ("",)),
    ("Hainan University", "hainanu.edu.cn", ("",)),
    ("Inner Mongolia Agricultural University", "imau.edu.cn", ("",)),
    ("Xinjiang Agricultural University", "xjau.edu.cn", ("",)),
    ("Shanxi Agricultural University", "sxau.edu.cn", ("",)),
    ("Chinese Academy of Forestry", "caf.ac.cn", ("",)),
    ("Institute of Hydrobiology, CAS", "ihb.ac.cn", ("",)),
    ("Institute of Applied Ecology, CAS", "iae.ac.cn", ("",)),
    ("Xishuangbanna Tropical Botanical Garden, CAS", "xtbg.ac.cn", ("",)),
    ("Nanjing Institute of Geography and Limnology, CAS", "niglas.ac.cn", ("",)),
    ("China University of Geosciences", "cug.edu.cn", ("",)),
    ("Chinese Academy of Tropical Agricultural Sciences", "catas.cn", ("",)),
    ("Jiangsu Academy of Agricultural Sciences", "jaas.ac.cn", ("",)),
    ("Zhejiang Academy of Agricultural Sciences", "zaas.ac.cn", ("",)),
    ("Shanghai Academy of Agricultural Sciences", "saas.sh.cn", ("",)),
    ("Sichuan University", "scu.edu.cn", ("",)),
    ("Dalian University of Technology", "dlut.edu.cn", ("",)),
    ("Nankai University", "nankai.edu.cn", ("",)),
    ("Southern University of Science and Technology", "sustech.edu.cn", ("",)),
)
OTHER_INSTITUTIONS = (
    ("Wageningen University & Research", "wur.nl", "NL"),
    ("Utrecht University", "uu.nl", "NL"),
    ("University of Groningen", "rug.nl", "NL"),
    ("Delft University of Technology", "tudelft.nl", "NL"),
    ("University of Hohenheim", "uni-hohenheim.de", "DE"),
    ("University of Göttingen", "uni-goettingen.de", "DE"),
    ("Technical University of Munich", "tum.de", "DE"),
    ("Forschungszentrum Jülich", "fz-juelich.de", "DE"),
    ("Leibniz Centre for Agricultural Landscape Research", "zalf.de", "DE"),
    ("University of California, Davis", "ucdavis.edu", "US"),
    ("Cornell University", "cornell.edu", "US"),
    ("University of Illinois Urbana-Champaign", "illinois.edu", "US"),
    ("Purdue University", "purdue.edu", "US"),
    ("Iowa State University", "iastate.edu", "US"),
    ("USDA Agricultural Research Service", "usda.gov", "US"),
    ("National Renewable Energy Laboratory", "nrel.gov", "US"),
    ("CSIRO", "csiro.au", "AU"),
    ("University of Queensland", "uq.edu.au", "AU"),
    ("University of Adelaide", "adelaide.edu.au", "AU"),
    ("University of Melbourne", "unimelb.edu.au", "AU"),
    ("University of Western Australia", "uwa.edu.au", "AU"),
    ("INRAE", "inrae.fr", "FR"),
    ("CIRAD", "cirad.fr", "FR"),
    ("University of Copenhagen", "ku.dk", "DK"),
    ("Aarhus University", "au.dk", "DK"),
    ("Teagasc", "teagasc.ie", "IE"),
    ("University College Dublin", "ucd.ie", "IE"),
    ("AgResearch", "agresearch.co.nz", "NZ"),
    ("Massey University", "massey.ac.nz", "NZ"),
    ("University of Saskatchewan", "usask.ca", "CA"),
    ("University of British Columbia", "ubc.ca", "CA"),
    ("University of Tokyo", "u-tokyo.ac.jp", "JP"),
    ("International Rice Research Institute", "irri.org", "PH"),
    ("CIMMYT", "cimmyt.org", "MX"),
    ("Swedish University of Agricultural Sciences", "slu.se", "SE"),
    ("Norwegian University of Life Sciences", "nmbu.no", "NO"),
    ("ETH Zurich", "ethz.ch", "CH"),
)
COUNTRIES = (
    "GB",
    "CN",
    "NL",
    "DE",
    "US",
    "AU",
    "FR",
    "DK",
    "IE",
    "NZ",
    "CA",
    "JP",
    "PH",
    "MX",
    "SE",
    "NO",
    "CH",
)
WEBMAIL = {
    "GB": ("gmail.com", "outlook.com", "hotmail.co.uk", "yahoo.co.uk", "icloud.com"),
    "CN": ("163.com", "126.com", "qq.com", "foxmail.com", "sina.com", "aliyun.com"),
    "other": ("gmail.com", "outlook.com", "proton.me", "gmx.de", "yahoo.com"),
}
WEBMAIL_SHARE = {"GB": 0.07, "CN": 0.25, "other": 0.05}
UNITS = ("School", "Department", "Institute", "Centre")
SUBJECTS = ("Biosciences", "Geography", "Engineering", "Environment", "Agriculture")
# How often someone writes their institution differently from everyone else ("Univ. of Leeds",
# "University of Leeds, School of Geography"): the name no longer matches, the email domain still does.
NAME_VARIANT_SHARE = 0.12
# Institution sizes fall off as rank ** -ZIPF_EXPONENT, and an institution is TOPIC_STRENGTH times
# likelier to host someone on one of its strong topics: together they set the conflict share.
ZIPF_EXPONENT = 0.4
TOPIC_STRENGTH = 3.0
GB_GIVEN = (
    "James",
    "Sarah",
    "David",
    "Emma",
    "John",
    "Laura",
    "Michael",
    "Rachel",
    "Andrew",
    "Helen",
    "Richard",
    "Claire",
    "Paul",
    "Fiona",
    "Mark",
    "Alison",
    "Peter",
    "Ruth",
    "Simon",
    "Kate",
    "Thomas",
    "Lucy",
    "Robert",
    "Hannah",
    "Ian",
    "Joanna",
    "Gareth",
    "Siobhan",
    "Alastair",
    "Eilidh",
)
GB_FAMILY = (
    "Smith",
    "Jones",
    "Taylor",
    "Brown",
    "Williams",
    "Wilson",
    "Johnson",
    "Davies",
    "Robertson",
    "Wright",
    "Thompson",
    "Evans",
    "Walker",
    "White",
    "Roberts",
    "Green",
    "Hall",
    "Wood",
    "Jackson",
    "Clarke",
    "Campbell",
    "Stewart",
    "Murray",
    "MacDonald",
    "Hughes",
    "Edwards",
    "Patel",
    "Khan",
    "Lewis",
    "Morgan",
    "Reid",
    "Fraser",
    "Kelly",
    "Ahmed",
    "Bennett",
    "Price",
    "Mitchell",
    "Young",
)
CN_GIVEN = (
    "Wei",
    "Fang",
    "Min",
    "Jing",
    "Lei",
    "Yan",
    "Jun",
    "Hui",
    "Xin",
    "Li",
    "Ying",
    "Qiang",
    "Hong",
    "Xiaoming",
    "Yifan",
    "Zhiwei",
    "Haiyan",
    "Jianguo",
    "Xiaoli",
    "Yuqing",
    "Chen",
    "Ming",
    "Tao",
    "Lin",
    "Rui",
    "Shuang",
    "Peng",
    "Dan",
    "Kai",
    "Ning",
)
CN_FAMILY = (
    "Wang",
    "Li",
    "Zhang",
    "Liu",
    "Chen",
    "Yang",
    "Huang",
    "Zhao",
    "Wu",
    "Zhou",
    "Xu",
    "Sun",
    "Ma",
    "Zhu",
    "Hu",
    "Guo",
    "He",
    "Gao",
    "Lin",
    "Luo",
    "Zheng",
    "Liang",
    "Xie",
    "Song",
    "Tang",
    "Han",
    "Feng",
    "Deng",
    "Cao",
    "Peng",
    "Zeng",
    "Xiao",
    "Tian",
    "Dong",
    "Pan",
    "Yuan",
)
OTHER_GIVEN = (
    "Anna",
    "Jan",
    "Pieter",
    "Sophie",
    "Lukas",
    "Maria",
    "Emily",
    "Daniel",
    "Olivia",
    "Jack",
    "Camille",
    "Mads",
    "Aoife",
    "Hiroshi",
    "Lars",
    "Ingrid",
    "Carlos",
    "Grace",
    "Noah",
    "Mia",
)
OTHER_FAMILY = (
    "Müller",
    "de Vries",
    "Jansen",
    "Schmidt",
    "Fischer",
    "Miller",
    "Anderson",
    "Martin",
    "Nielsen",
    "Murphy",
    "Tanaka",
    "Johansson",
    "Hansen",
    "Garcia",
    "Bernard",
    "Walsh",
    "Thompson",
    "Nguyen",
    "Wilson",
    "Keller",
)


NAMES = {
    "GB": (GB_GIVEN, GB_FAMILY),
    "CN": (CN_GIVEN, CN_FAMILY),
    "other": (OTHER_GIVEN, OTHER_FAMILY),
}


@dataclass(frozen=True)
class Scenario:
    name: str
    applications: int
    reviewers: int
    reviews: int
    load_low: int
    load_high: int
    load_seed: int | None = None  # draw the loads apart from the call (which stays the same)


SCENARIOS = {
    "A": Scenario("A", 5_000, 1_000, 3, 12, 20),
    # A's call with loads 10-20: capacity about equal to demand. Load seed 10 gives 14,925 places
    # for 15,000 reviews (0.5% short; a sum of 1,000 such loads varies by about +-100).
    "A-tight": Scenario("A-tight", 5_000, 1_000, 3, 10, 20, load_seed=10),
    "B": Scenario("B", 20_000, 4_000, 3, 12, 20),
    "compare": Scenario("compare", 1_000, 200, 3, 12, 20),
}


@dataclass
class SyntheticCall:
    applications: list[ApplicationText]
    reviewers: list[ReviewerText]
    teams: list[list[Person]]
    reviewer_people: list[ReviewerPerson]
    demand: np.ndarray
    capacity: np.ndarray
    app_countries: np.ndarray  # bit mask over COUNTRIES
    reviewer_country: np.ndarray  # index into COUNTRIES
    app_topics: np.ndarray  # (applications, 2), second is -1 for single-topic applications
    reviewer_topics: np.ndarray  # (reviewers, 2)

    def foreign(self) -> np.ndarray:
        """True where the reviewer's country is none of the application's team countries."""
        return ((self.app_countries[:, None] >> self.reviewer_country[None, :]) & 1) == 0


@dataclass(frozen=True)
class _Institution:
    name: str
    domain: str
    subdomains: tuple[str, ...]
    country: str


def _institutions() -> list[_Institution]:
    found = [_Institution(n, d, s, "GB") for n, d, s in GB_INSTITUTIONS]
    found += [_Institution(n, d, s, "CN") for n, d, s in CN_INSTITUTIONS]
    found += [_Institution(n, d, ("",), c) for n, d, c in OTHER_INSTITUTIONS]
    return found


class _People:
    """Everyone in the call, as parallel arrays, plus the records built from them on demand."""

    def __init__(self, rng: np.random.Generator, institutions: list[_Institution]) -> None:
        self.rng = rng
        self.institutions = institutions
        self.email: list[str] = []
        self.orcid: list[str | None] = []
        self.institution: list[str] = []
        self.institution_index: list[int] = []
        self._taken: set[str] = set()
        self._orcids: set[int] = set()

    def add(self, institution_indexes: np.ndarray) -> np.ndarray:
        """New people at the given institutions; returns their indexes."""
        rng = self.rng
        n = len(institution_indexes)
        start = len(self.email)
        rolls = rng.random((n, 5))
        pick = rng.integers(0, 1 << 30, size=(n, 4))
        for i, inst_index in enumerate(institution_indexes.tolist()):
            inst = self.institutions[inst_index]
            region = inst.country if inst.country in ("GB", "CN") else "other"
            given_names, family_names = NAMES[region]
            given = given_names[pick[i, 0] % len(given_names)]
            family = family_names[pick[i, 1] % len(family_names)]
            local = (f"{given}.{family}" if region == "CN" else f"{given[0]}.{family}").casefold()
            local = local.replace(" ", "").replace("ü", "ue")
            if rolls[i, 0] < WEBMAIL_SHARE[region]:
                options = WEBMAIL[region]
                host = options[pick[i, 2] % len(options)]
                if region == "CN" and host == "qq.com":
                    local = str(10_000_000 + pick[i, 3] % 900_000_000)
            else:
                sub = inst.subdomains[pick[i, 2] % len(inst.subdomains)]
                host = f"{sub}.{inst.domain}" if sub else inst.domain
            email = f"{local}@{host}"
            suffix = 2
            while email in self._taken:
                email = f"{local}{suffix}@{host}"
                suffix += 1
            self._taken.add(email)
            self.email.append(email)
            self.orcid.append(self._new_orcid() if rolls[i, 1] < 0.85 else None)
            name = inst.name
            if rolls[i, 2] < NAME_VARIANT_SHARE:
                if rolls[i, 3] < 0.5 and "University of " in name:
                    name = name.replace("University of ", "Univ. of ")
                else:
                    unit, subject = UNITS[pick[i, 3] % len(UNITS)], SUBJECTS[pick[i, 0] % len(SUBJECTS)]
                    name = f"{name}, {unit} of {subject}"
            self.institution.append(name)
            self.institution_index.append(inst_index)
        return np.arange(start, start + n)

    def _new_orcid(self) -> str:
        while True:
            number = int(self.rng.integers(1_000_000, 3_000_000_000))
            if number not in self._orcids:
                self._orcids.add(number)
                break
        digits = f"{number:015d}"
        total = 0
        for d in digits:
            total = (total + int(d)) * 2
        check = (12 - total % 11) % 11
        body = digits + ("X" if check == 10 else str(check))
        return "-".join(body[i : i + 4] for i in range(0, 16, 4))

    def person(self, index: int) -> Person:
        return Person(email=self.email[index], orcid=self.orcid[index], institution=self.institution[index])


def _fill(pattern: str, rng_values: np.ndarray, phrases: list[tuple[str, ...]], n: int) -> str:
    """One sentence: {a} {b} {c} from the record's topics, the rest from the general lists."""
    v = rng_values
    first, second = phrases[0], phrases[-1]
    a = first[v[0] % len(first)]
    b = second[v[1] % len(second)]
    c = first[v[2] % len(first)]
    if c == a:
        c = first[(v[2] + 1) % len(first)]
    return pattern.format(
        a=a,
        b=b,
        c=c,
        A=a[:1].upper() + a[1:],
        region=REGIONS[v[3] % len(REGIONS)],
        region2=REGIONS[v[4] % len(REGIONS)],
        method=METHODS[v[5] % len(METHODS)],
        stakeholder=STAKEHOLDERS[v[6] % len(STAKEHOLDERS)],
        output=OUTPUTS[v[7] % len(OUTPUTS)],
        general=GENERAL_PHRASES[v[8] % len(GENERAL_PHRASES)],
        n=n,
    )


def _text(
    rng_values: np.ndarray, patterns: tuple[str, ...], phrases: list[tuple[str, ...]], words: int
) -> str:
    """Sentences until about ``words`` words; ``rng_values`` is one row of random integers."""
    sentences: list[str] = []
    count = 0
    position = 0
    while count < words:
        v = rng_values[position : position + 10]
        position = (position + 10) % (len(rng_values) - 10)
        pool = phrases if v[9] % 3 else phrases[:1]  # the main topic twice as often
        sentence = _fill(patterns[v[9] % len(patterns)], v, pool, len(sentences) + 1)
        sentences.append(sentence)
        count += sentence.count(" ") + 1
    return " ".join(sentences)


def _pick_topics(rng: np.random.Generator, n: int, weights: np.ndarray, second_share: float) -> np.ndarray:
    topics = np.full((n, 2), -1, dtype=np.int64)
    p = weights / weights.sum()
    topics[:, 0] = rng.choice(len(p), size=n, p=p)
    second = rng.choice(len(p), size=n, p=p)
    has_second = (rng.random(n) < second_share) & (second != topics[:, 0])
    topics[has_second, 1] = second[has_second]
    return topics


def _institution_weights(rng: np.random.Generator, institutions: list[_Institution]) -> np.ndarray:
    """Per institution and topic, how likely someone on that topic works there (rows sum to 1 per
    country and topic). Institutions are Zipf-sized and each is strong in three or four topics."""
    topics = len(TOPICS)
    weights = np.zeros((len(institutions), topics))
    for country in sorted({inst.country for inst in institutions}):
        members = [i for i, inst in enumerate(institutions) if inst.country == country]
        size = 1.0 / np.arange(1, len(members) + 1) ** ZIPF_EXPONENT
        rng.shuffle(size)
        strength = np.ones((len(members), topics))
        for row in range(len(members)):
            strong = rng.choice(topics, size=int(rng.integers(3, 5)), replace=False)
            strength[row, strong] = TOPIC_STRENGTH
        weights[members] = size[:, None] * strength
    return weights


def generate_call(
    applications: int,
    reviewers: int,
    reviews: int = 3,
    loads: tuple[int, int] = (12, 20),
    seed: int = 4,
    load_seed: int | None = None,
) -> SyntheticCall:
    rng = np.random.default_rng(seed)
    institutions = _institutions()
    inst_country = np.array([COUNTRIES.index(inst.country) for inst in institutions])
    by_topic = _institution_weights(rng, institutions)
    gb = inst_country == COUNTRIES.index("GB")
    cn = inst_country == COUNTRIES.index("CN")
    other = ~(gb | cn)

    def draw_institutions(topics: np.ndarray, mask: np.ndarray) -> np.ndarray:
        """One institution (within ``mask``) per entry of ``topics``, weighted by topic strength."""
        table = by_topic * mask[:, None]
        cumulative = np.cumsum(table, axis=0) / table.sum(axis=0)
        u = rng.random(len(topics))
        chosen = (cumulative[:, topics] < u[None, :]).sum(axis=0)
        return np.minimum(chosen, len(institutions) - 1)

    people = _People(rng, institutions)

    # Applications: topics, then a team of 2-5 from the UK and/or China.
    app_topics = _pick_topics(rng, applications, APP_TOPIC_WEIGHTS, second_share=0.55)
    team_size = rng.integers(2, 6, size=applications)
    # Most applications are joint (both countries); some are led and staffed from one side only.
    kind = rng.choice(3, size=applications, p=[0.84, 0.08, 0.08])  # joint, GB only, CN only
    slots = np.repeat(np.arange(applications), team_size)
    slot_rank = np.arange(len(slots)) - np.repeat(np.cumsum(team_size) - team_size, team_size)
    slot_kind = kind[slots]
    slot_country_gb = np.where(slot_kind == 0, slot_rank % 2 == 0, slot_kind == 1)
    slot_topics = app_topics[slots, 0]
    slot_inst = np.where(
        slot_country_gb, draw_institutions(slot_topics, gb), draw_institutions(slot_topics, cn)
    )
    # A quarter of team places go to someone already on another application at the same
    # institution: people apply more than once.
    slot_person = people.add(slot_inst)
    reuse = rng.random(len(slots)) < 0.25
    by_inst: dict[int, list[int]] = {}
    for slot in np.flatnonzero(~reuse).tolist():
        by_inst.setdefault(int(slot_inst[slot]), []).append(int(slot_person[slot]))
    reuse_pick = rng.integers(0, 1 << 30, size=len(slots))
    for slot in np.flatnonzero(reuse).tolist():
        pool = by_inst.get(int(slot_inst[slot]))
        if pool:
            slot_person[slot] = pool[reuse_pick[slot] % len(pool)]
    teams: list[list[Person]] = [[] for _ in range(applications)]
    app_countries = np.zeros(applications, dtype=np.int64)
    np.bitwise_or.at(app_countries, slots, 1 << inst_country[slot_inst])
    person_records: dict[int, Person] = {}
    for app, person in zip(slots.tolist(), slot_person.tolist(), strict=True):
        record = person_records.get(person)
        if record is None:
            record = person_records[person] = people.person(person)
        if record not in teams[app]:
            teams[app].append(record)

    # Application texts.
    app_values = rng.integers(0, 1 << 30, size=(applications, 160))
    abstract_words = rng.integers(150, 201, size=applications)
    keyword_counts = rng.integers(3, 7, size=applications)
    texts: list[ApplicationText] = []
    for i in range(applications):
        t1, t2 = app_topics[i]
        phrases = [TOPICS[t1][2]] + ([TOPICS[t2][2]] if t2 >= 0 else [])
        v = app_values[i]
        title = _fill(TITLE_PATTERNS[v[0] % len(TITLE_PATTERNS)], v[1:11], phrases, 1)
        abstract = _text(v[11:], ABSTRACT_SENTENCES, phrases, int(abstract_words[i]))
        own = TOPICS[t1][2]
        keywords = [own[k % len(own)] for k in v[150 : 150 + keyword_counts[i]]]
        if t2 >= 0:
            keywords[-1] = TOPICS[t2][2][v[159] % len(TOPICS[t2][2])]
        area = AREAS[TOPICS[t1][1]] if v[149] % 10 else AREAS[v[148] % len(AREAS)]
        texts.append(
            ApplicationText(
                title=title, abstract=abstract, keywords="; ".join(dict.fromkeys(keywords)), area=area
            )
        )

    # Reviewers: 38% UK, 33% China, the rest from elsewhere.
    reviewer_topics = _pick_topics(rng, reviewers, REVIEWER_TOPIC_WEIGHTS, second_share=0.6)
    side = rng.choice(3, size=reviewers, p=[0.38, 0.33, 0.29])
    rev_inst = np.select(
        [side == 0, side == 1],
        [draw_institutions(reviewer_topics[:, 0], gb), draw_institutions(reviewer_topics[:, 0], cn)],
        draw_institutions(reviewer_topics[:, 0], other),
    )
    rev_person = people.add(rev_inst)
    # Some reviewers also applied: they are the same person as a team member at their institution.
    also_applied = rng.random(reviewers) < 0.03
    for r in np.flatnonzero(also_applied).tolist():
        pool = by_inst.get(int(rev_inst[r]))
        if pool:
            rev_person[r] = pool[int(rng.integers(len(pool)))]
    rev_values = rng.integers(0, 1 << 30, size=(reviewers, 120))
    statement_words = rng.integers(60, 101, size=reviewers)
    keyword_counts = rng.integers(4, 9, size=reviewers)
    collaborator_counts = np.where(rng.random(reviewers) < 0.6, rng.integers(1, 6, size=reviewers), 0)
    topic_people = [np.unique(slot_person[slot_topics == t]) for t in range(len(TOPICS))]
    reviewer_texts: list[ReviewerText] = []
    reviewer_people: list[ReviewerPerson] = []
    for r in range(reviewers):
        t1, t2 = reviewer_topics[r]
        phrases = [TOPICS[t1][2]] + ([TOPICS[t2][2]] if t2 >= 0 else [])
        v = rev_values[r]
        statement = _text(v[:100], STATEMENT_SENTENCES, phrases, int(statement_words[r]))
        keywords = []
        for j, k in enumerate(v[100 : 100 + keyword_counts[r]].tolist()):
            source = phrases[-1] if j % 3 == 2 else phrases[0]
            keywords.append(source[k % len(source)])
        areas = [AREAS[TOPICS[t1][1]]]
        if t2 >= 0:
            areas.append(AREAS[TOPICS[t2][1]])
        if v[110] % 3 == 0:
            areas.append(AREAS[v[111] % len(AREAS)])
        reviewer_texts.append(
            ReviewerText(
                keywords=list(dict.fromkeys(keywords)), statement=statement, areas=list(dict.fromkeys(areas))
            )
        )
        # Declared collaborators: applicants on the reviewer's main topic, named by ORCID iD or email.
        collaborators = []
        candidates = topic_people[t1]
        for c in range(int(collaborator_counts[r]) if len(candidates) else 0):
            person = int(candidates[v[112 + c] % len(candidates)])
            orcid = people.orcid[person]
            by_orcid = orcid is not None and v[117 + c % 3] % 2 == 0
            collaborators.append(
                Person(email=None if by_orcid else people.email[person], orcid=orcid if by_orcid else None)
            )
        person = int(rev_person[r])
        record = person_records.get(person) or people.person(person)
        reviewer_people.append(ReviewerPerson(person=record, collaborators=tuple(collaborators)))

    load_rng = rng if load_seed is None else np.random.default_rng(load_seed)
    return SyntheticCall(
        applications=texts,
        reviewers=reviewer_texts,
        teams=teams,
        reviewer_people=reviewer_people,
        demand=np.full(applications, reviews, dtype=np.int64),
        capacity=load_rng.integers(loads[0], loads[1] + 1, size=reviewers).astype(np.int64),
        app_countries=app_countries,
        reviewer_country=inst_country[rev_inst],
        app_topics=app_topics,
        reviewer_topics=reviewer_topics,
    )


def scenario_call(name: str, seed: int = 4) -> SyntheticCall:
    s = SCENARIOS[name]
    return generate_call(
        s.applications, s.reviewers, s.reviews, (s.load_low, s.load_high), seed=seed, load_seed=s.load_seed
    )
