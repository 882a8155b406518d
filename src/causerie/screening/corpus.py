"""The training corpus: hand-written templates expanded with a fixed seed (CC0).

    python -m causerie.screening.corpus [OUT]     (default: data/screening/train.jsonl)

Every line is written for Causerie from the category definitions of docs/screening.md; nothing is
taken from the evaluation sets. Each template is a `|`-free French sentence with `{slot}` fields filled
from the lists below. Benign lines include many hard negatives: the same trigger words in innocent
sentences (news, prevention, banter, identity statements, literal meanings). A share of the lines is
obfuscated the way people dodge filters (spacing, leetspeak, repeated letters, missing accents).
"""

from __future__ import annotations

import json
import random
import re
import sys
from pathlib import Path

SEED = 20240601
ADULT = (19, 58)
TEEN = (15, 17)

SLOTS: dict[str, list[str]] = {
    "drug": ["beuh", "shit", "weed", "coke", "cc", "md", "ecsta", "kétamine", "ke", "3mmc", "3m", "teuchi",
             "résine", "frappe", "lsd", "champis", "xanax", "🍃", "❄️", "💊", "🍫", "amnesia", "pollen", "c0ke",
             "b3uh", "hash", "héro", "crack"],
    "qty": ["10g", "5g", "1g", "le g", "la barrette", "la plaquette", "un pochon", "25g", "2g", "le demi"],
    "price": ["10€", "20 balles", "50e", "8€ le g", "100 €", "60 euros", "15 balles", "💰"],
    "city": ["Paris", "Lyon", "Marseille", "Lille", "Toulouse", "Nantes", "Bordeaux", "le 93", "Nice", "Rennes"],
    "app": ["snap", "insta", "whatsapp", "telegram", "discord", "👻", "sn@p", "s n a p", "w.h.a.t.s.a.p.p",
            "l'appli du fantôme", "ig", "tiktok", "kik", "snapchat", "i n s t a", "t3l3gram"],
    "handle": ["lea_du75", "max.off.92", "jules__b13", "ines.mtl.07", "kev_du_69", "sarah.l.2008", "tom.zz.31",
               "nina_lune44", "@yanis.pro", "@mel.rose92"],
    "phone": ["06 12 44 87 90", "07.81.22.45.10", "0645128733", "06 1 2 4 4 8 7 9 0", "+33 6 45 12 87 33",
              "zéro six douze quarante quatre quatre vingt sept quatre vingt dix", "O6 45 12 87 33",
              "zero sept 81 22 45 10", "06-45-12-87-33"],
    "email": ["lea.m75@gmail.com", "maxou92 at hotmail point fr", "jules.b@outlook.fr", "kevin69 arobase gmail.com"],
    "group": ["les arabes", "les noirs", "les juifs", "les musulmans", "les pd", "les gitans", "les roms",
              "les homos", "les trans", "les migrants", "les femmes", "les renois", "les rebeus", "les feujs",
              "les chinois", "les lesbiennes", "les handicapés"],
    "groupbad": ["c'est tous des voleurs", "ce sont des parasites", "faut les virer", "ça devrait pas exister",
                 "c'est de la vermine", "ils pourrissent tout", "faut les cramer", "dehors", "c'est des animaux",
                 "c'est une maladie", "sont inférieurs", "doivent crever", "c'est des sous-hommes",
                 "qu'ils rentrent chez eux", "ça me donne envie de vomir"],
    "insult": ["connard", "connasse", "salope", "grosse pute", "fils de pute", "sale con", "abruti", "débile",
               "gros porc", "bouffon", "cassos", "sous merde", "pauvre tache", "grosse vache", "enculé", "batard",
               "trainée", "mongol", "tocard", "pétasse"],
    "name": ["Léa", "Max", "Inès", "Yanis", "Sarah", "Tom", "Nina", "Kevin", "Jade", "Hugo", "Chloé", "Rayan"],
    "game": ["fifa", "valo", "fortnite", "mario kart", "cod", "lol", "smash", "rocket league", "la belote"],
    "weapon": ["mon couteau", "un flingue", "une batte", "mes potes", "mes gars", "une lame"],
    "coupon": ["neosurf", "pcs", "paysafecard", "transcash", "carte cadeau amazon", "coupons pcs", "toneo"],
    "amount": ["50", "100", "150", "200", "250", "300", "500", "1000"],
    "gift": ["une recharge", "un cadeau", "des vbucks", "un forfait", "des robux", "de l'argent de poche",
             "un nouveau tel", "des skins"],
    "body": ["en maillot", "en pyjama", "en sous-vêtements", "en petite tenue", "en jupe", "en entier"],
    "sexword": ["plan cul", "plan q", "plan d'un soir", "coquin", "te prendre", "te sucer", "levrette",
                "te faire jouir", "sodo", "baiser", "nudes", "photos hot", "plan à trois", "🍑🍆", "me branler"],
    "rate": ["100 roses", "150 roses la nuit", "80€ la demi-heure", "200 🌹", "300€ la soirée", "50 💶",
             "120 roses l'heure", "un cadeau de 200"],
    "minorage": ["13", "14", "15", "16"],
    "teenroom": ["Ados 15-17"],
}

# (labels, context kind, template). Context kinds: adult (adult to adult PM), room (adult room),
# a2m (adult PM to a minor), teens (two teens), teenroom (teen room, teen sender), a2mroom (adult in
# teen room), explicit (adult room that allows explicit talk).
TEMPLATES: list[tuple[tuple[str, ...], str, str]] = [
    # drugs
    (("drugs",), "room", "slt jai de la {drug} dispo sur {city}, {qty} à {price}"),
    (("drugs",), "room", "qui a de la {drug} ce soir ? je paye bien"),
    (("drugs",), "room", "{drug} {drug} dispo, livraison sur {city} en 30 min, prix en mp"),
    (("drugs",), "room", "je cherche de la {drug} vers {city} qqn a un plan ?"),
    (("drugs",), "adult", "tu veux de la {drug} ? j'ai du stock, {price} {qty}"),
    (("drugs",), "room", "drive ouvert 24h/24 {drug} et {drug}, commande sur {app}"),
    (("drugs",), "room", "bonne frappe dispo {drug} qualité top, {qty} {price}"),
    (("drugs",), "adult", "t'as pas un plug pour la {drug} ? c'est pour ce soir"),
    (("drugs",), "room", "arrivage de {drug} frais, je livre partout sur {city}"),
    (("drugs",), "adult", "je te fais {qty} de {drug} à {price} si tu prends deux"),
    (("drugs",), "room", "vend {drug} {drug} {drug} carte dispo en privé"),
    (("drugs",), "adult", "tu sais où je peux choper de la {drug} vers {city} ?"),
    (("drugs",), "teenroom", "qui vend de la {drug} au lycée ? j'ai {price}"),
    (("drugs", "contact"), "room", "{drug} dispo ajoute moi sur {app} {handle}"),
    # solicitation
    (("solicitation",), "room", "plan rémunéré ce soir sur {city}, {rate}, je reçois"),
    (("solicitation",), "room", "jeune femme dispo pour PR, {rate}, discrétion assurée"),
    (("solicitation",), "adult", "tu prends combien pour une nuit ?"),
    (("solicitation",), "adult", "je te paie {amount}€ pour un moment coquin, t'es partante ?"),
    (("solicitation",), "room", "massage avec finition {rate}, je me déplace sur {city}"),
    (("solicitation",), "room", "escort indépendante sur {city}, tarifs en mp"),
    (("solicitation",), "adult", "c'est combien pour une pipe ? je paye cash"),
    (("solicitation",), "room", "je cherche des filles pour bosser pour moi, argent facile, 50/50"),
    (("solicitation",), "adult", "je suis généreux, un cadeau contre un câlin ce soir ?"),
    (("solicitation",), "room", "homme cherche plan rémunéré, je paie bien, hôtel sur {city}"),
    (("solicitation",), "adult", "30 min {rate}, 1h plus, envoie moi ton dispo"),
    (("solicitation", "scam"), "adult", "pour réserver il faut un acompte de {amount}€ en {coupon}, bisous"),
    # hate
    (("hate",), "room", "{group} {groupbad}"),
    (("hate",), "room", "franchement {group} {groupbad}, faut le dire"),
    (("hate",), "room", "mort aux {grouponly}"),
    (("hate",), "room", "{group} qu'ils retournent dans leur pays"),
    (("hate",), "room", "les femmes c'est fait pour la cuisine et se taire"),
    (("hate",), "room", "l'homosexualité c'est une maladie, faut soigner ces gens"),
    (("hate",), "room", "les juifs contrôlent les médias et la finance, réveillez vous"),
    (("hate",), "room", "hitler avait raison sur {group}"),
    (("hate",), "room", "tous {group} sont des terroristes"),
    (("hate",), "room", "les gitans voleurs de poules, dehors de nos villes"),
    (("hate", "harassment"), "adult", "sale {slur} va, retourne dans ton pays"),
    (("hate", "harassment"), "adult", "t'es qu'un sale {slur}, {insult}"),
    (("hate", "threat"), "room", "chasse aux pd samedi soir au parc, ramenez vos potes"),
    # harassment
    (("harassment",), "adult", "t'es qu'un {insult}"),
    (("harassment",), "adult", "ferme ta gueule {insult}"),
    (("harassment",), "adult", "{name} t'es vraiment un {insult}, personne t'aime"),
    (("harassment",), "adult", "va te pendre {insult}, tu sers à rien"),
    (("harassment",), "adult", "pourquoi tu me réponds pas ? je sais que tu lis mes messages"),
    (("harassment",), "adult", "tu m'as bloqué mais j'ai fait un nouveau compte, tu peux pas m'échapper"),
    (("harassment",), "adult", "réponds moi ou je vais publier nos conversations partout"),
    (("harassment",), "adult", "t'es moche, grosse et personne voudra de toi"),
    (("harassment",), "teens", "t'es une grosse {insult}, tout le monde se fout de toi au bahut"),
    (("harassment",), "adult", "espèce de {insult}, va te faire foutre"),
    (("harassment",), "adult", "je vais montrer tes messages à tout le monde, tu vas voir"),
    (("harassment",), "adult", "je te lâcherai pas, je reviendrai avec un autre pseudo"),
    (("harassment",), "room", "{name} t'es la honte de ce salon, {insult}"),
    # threat
    (("threat",), "adult", "je sais où tu habites, je vais te retrouver"),
    (("threat",), "adult", "je vais te planter avec {weapon}"),
    (("threat",), "adult", "t'es mort, on t'attend à la sortie de ton lycée"),
    (("threat",), "adult", "fais gaffe à toi quand tu sors ce soir"),
    (("threat",), "adult", "viens seul au parc à 22h, dis rien à personne"),
    (("threat",), "adult", "on va te défoncer quand tu viens au rdv"),
    (("threat",), "adult", "une balle dans ta tête si tu recommences"),
    (("threat",), "adult", "je vais brûler ta voiture, tu vas le regretter"),
    (("threat",), "adult", "ta mère va payer pour ce que t'as fait"),
    (("threat",), "adult", "je vais balancer ton adresse et on viendra te chercher"),
    (("threat",), "room", "{name} je vais te faire la peau avec {weapon}"),
    (("threat",), "teens", "je vais te casser la gueule demain au collège"),
    # scam
    (("scam",), "adult", "envoie moi {amount}€ en {coupon} sinon j'envoie tes photos à tous tes contacts"),
    (("scam",), "adult", "je suis sugar daddy, je t'envoie {amount}€ par semaine, il faut juste payer les frais"),
    (("scam",), "room", "gagne {amount}€ par jour sans rien faire avec le trading crypto, lien en bio"),
    (("scam",), "adult", "prête moi ton rib, tu recevras un virement et tu gardes {amount}€"),
    (("scam",), "room", "félicitations vous avez gagné un iphone, cliquez ici https://gain-iphone.example"),
    (("scam",), "adult", "achète des coupons {coupon} et envoie moi les codes en photo"),
    (("scam",), "room", "investis {amount}€ dans mon bitcoin, rendement garanti x10"),
    (("scam",), "adult", "ton compte est suspendu, vérifie ton identité sur ce lien"),
    (("scam",), "room", "argent facile depuis chez toi, formation offerte, écris moi"),
    (("scam",), "adult", "je suis militaire en mission, bloqué à l'étranger, il me faut {amount}€ pour les frais"),
    (("scam",), "adult", "paie {amount}€ avant ce soir ou tout le monde verra ta vidéo"),
    # contact
    (("contact",), "adult", "ajoute moi sur {app} c'est {handle}"),
    (("contact",), "adult", "t'as {app} ? on sera mieux pour parler"),
    (("contact",), "adult", "mon num c'est {phone}"),
    (("contact",), "adult", "écris moi sur {email}"),
    (("contact",), "adult", "viens sur {app} on continue là-bas"),
    (("contact",), "adult", "donne moi ton {app} stp"),
    (("contact",), "room", "qui veut parler sur {app} ? {handle}"),
    (("contact",), "teens", "tu me passes ton {app} ?"),
    (("contact",), "adult", "appelle moi au {phone}"),
    (("contact",), "adult", "ici c'est surveillé, passe sur {app}"),
    (("contact",), "room", "mon {app} : {handle}"),
    # sexual_explicit
    (("sexual_explicit",), "adult", "dispo pour un {sexword} ce soir ?"),
    (("sexual_explicit",), "adult", "j'ai trop envie de {sexword2}"),
    (("sexual_explicit",), "room", "mec cherche femme pour {sexword} sur {city}, discret"),
    (("sexual_explicit",), "explicit", "qui est chaude pour un {sexword} ?"),
    (("sexual_explicit",), "adult", "envoie des nudes, je t'envoie les miennes"),
    (("sexual_explicit",), "adult", "je suis tout dur en pensant à toi"),
    (("sexual_explicit",), "adult", "tu mouilles quand tu penses à moi ?"),
    (("sexual_explicit",), "explicit", "couple cherche plan à trois, {city}"),
    (("sexual_explicit",), "adult", "j'ai envie de te prendre en levrette"),
    # sexual_minor
    (("sexual_minor",), "a2m", "t'as quel âge ? t'es mature pour ton âge"),
    (("sexual_minor",), "a2m", "t'es seule chez toi ? tes parents rentrent quand ?"),
    (("sexual_minor",), "a2m", "envoie moi une photo de toi {body}"),
    (("sexual_minor",), "a2m", "c'est notre secret, dis rien à tes parents"),
    (("sexual_minor",), "a2m", "je peux t'offrir {gift} si tu m'envoies une photo"),
    (("sexual_minor",), "a2m", "on se voit samedi ? je viens te chercher devant le collège"),
    (("sexual_minor",), "a2m", "supprime nos messages après, ok ?"),
    (("sexual_minor",), "a2m", "t'as déjà embrassé un garçon ? je peux t'apprendre"),
    (("sexual_minor",), "a2m", "tu fais pas du tout ton âge, t'es canon"),
    (("sexual_minor",), "a2m", "t'as quel âge ? {minorage} ? ok on peut être amis, envoie une photo"),
    (("sexual_minor",), "a2mroom", "qui a {minorage} ans ici et veut parler avec un homme mature ?"),
    (("sexual_minor",), "a2m", "dispo pour un {sexword} ? je te paie {gift}"),
    (("sexual_minor",), "room", "je cherche une jeune fille de {minorage} ans pour plan discret"),
    (("sexual_minor", "contact"), "a2m", "t'as {app} ? envoie moi des photos {body} dessus"),
    (("sexual_minor",), "a2m", "ma puce t'es trop belle, personne doit savoir pour nous"),
]

BENIGN: list[tuple[str, str]] = [
    ("room", "salut tout le monde ça va ?"), ("room", "quelqu'un a vu le match hier soir ?"),
    ("room", "bonne nuit tout le monde, à demain"),
    ("room", "des gens de {city} ici ?"), ("adult", "tu fais quoi ce week-end ?"),
    ("room", "je m'ennuie grave, qui veut parler ?"), ("adult", "t'as quel âge ?"),
    ("adult", "t'as quel âge et tu viens d'où ?"), ("teens", "t'as quel âge ? moi 16"),
    ("teens", "t'es en quelle classe ? moi en seconde"), ("adult", "t'es seule ce soir ? on peut parler"),
    ("teenroom", "qui joue à {game} ce soir ?"),
    ("room", "j'ai arrêté la beuh depuis 6 mois, je me sens mieux"),
    ("room", "reportage sur les trafics de {drug} à {city} ce soir sur France 2"),
    ("room", "mon médecin m'a prescrit du xanax, ça me stresse"),
    ("room", "la police a saisi 2 tonnes de coke au port"),
    ("teenroom", "j'ai eu 14 au CC de maths"), ("room", "le CC de demain en socio il porte sur quoi ?"),
    ("room", "c'est de la frappe ce son"), ("room", "ce film c'est de la frappe"),
    ("adult", "je vais te tuer au prochain match de {game} mdr"),
    ("room", "je vais défoncer mon partiel de droit demain"),
    ("room", "ma mère va me tuer j'ai raté le bus"), ("room", "je suis mort de rire"),
    ("room", "il a tué le game ce rappeur"),
    ("room", "on se fait une partie de {game} ? je vais vous éclater"),
    ("room", "je suis gay et fier de l'être"), ("room", "je suis musulmane et je fais le ramadan"),
    ("room", "je suis juif et je fête hanouka"),
    ("room", "on m'a traité de sale arabe au taf, c'est honteux"),
    ("room", "le racisme envers les noirs c'est inacceptable"), ("room", "soutien à sos homophobie"),
    ("room", "je suis nulle en maths, help"), ("room", "je me trouve moche aujourd'hui"),
    ("room", "cet arbitre est un abruti franchement"), ("adult", "t'es bête mdr je t'adore"),
    ("room", "attention, ne donnez jamais de code neosurf à un inconnu, c'est une arnaque"),
    ("room", "j'ai acheté une carte paysafecard au tabac pour mon jeu"),
    ("room", "je cherche un job étudiant sur {city}, des idées ?"),
    ("room", "je lui ai offert des roses pour son anniv"),
    ("room", "reportage sur la prostitution des mineures, ça fait froid dans le dos"),
    ("room", "coco a été fermé par la justice en 2024"),
    ("room", "j'ai vu une vidéo trop drôle sur tiktok"),
    ("room", "insta a encore changé son algo"), ("room", "mon snap a bugué toute la journée"),
    ("adult", "on continue en mp ?"),
    ("adult", "je t'envoie un mp"), ("room", "en cas de problème appelez le 119"),
    ("room", "ne donnez jamais votre numéro à des inconnus"),
    ("room", "le 3018 c'est pour le cyberharcèlement"),
    ("room", "il fait trop chaud ce soir"), ("room", "cette raclette était une tuerie"),
    ("room", "mon chat dort sur mon lit"), ("room", "cours d'éducation sexuelle au lycée aujourd'hui"),
    ("explicit", "bonsoir le salon, bonne soirée"), ("room", "on se voit au ciné samedi ?"),
    ("adult", "on se voit où pour le rdv ? au café près de la gare ?"),
    ("room", "le drive de carrefour est fermé"),
    ("room", "livraison de pizza en retard encore"), ("room", "je livre des colis pour amazon, c'est dur"),
    ("room", "mon plan pour ce soir : netflix et dodo"), ("room", "le prix du gramme d'or a explosé"),
    ("room", "j'ai vu un documentaire sur les cartels de la drogue"),
    ("room", "mes parents sont au boulot"),
    ("teens", "c'est notre secret hein, dis pas à {name} que je la kiffe"),
    ("teens", "tes parents sont là ce soir ?"),
    ("room", "le champion a défoncé son adversaire en finale"),
    ("room", "je vais exploser mon record ce soir"),
    ("adult", "envoie moi la photo du chat"), ("adult", "t'as des photos de tes vacances à {city} ?"),
    ("room", "quelqu'un connait un bon resto sur {city} ?"),
    ("room", "des conseils pour mon bac de français ?"),
    ("room", "j'adore les fraises 🍓 et les pêches 🍑"), ("room", "il neige ❄️ à {city} ce matin"),
    ("room", "balade en forêt 🍃 ce matin"), ("room", "mon loyer coûte 600 euros par mois"),
    ("room", "j'ai gagné 50 balles au loto"), ("room", "le bitcoin a encore chuté aujourd'hui"),
    ("room", "les femmes sont sous-représentées en politique"),
    ("room", "les migrants ont traversé la méditerranée"),
    ("room", "les juifs fêtent kippour ce mois-ci"), ("room", "les arabes ont inventé l'algèbre"),
    ("room", "le film sur le harcèlement était fort"),
    ("room", "j'ai signalé un mec qui insultait tout le monde"),
    ("room", "un pote s'est fait agresser, je lui ai dit de porter plainte"),
    ("adult", "t'inquiète je vais te retrouver au café à 18h"),
    ("adult", "viens seul si tu veux, y aura que nous deux au resto"),
    ("room", "ce boss dans elden ring va me tuer"), ("room", "cette série c'est un massacre"),
    ("room", "il m'a traité de connard parce que je l'ai doublé"), ("room", "connard de réveil"),
    ("adult", "ajoute moi en ami sur le chat"),
    ("room", "qui veut faire un serveur discord pour le salon gaming ?"),
    ("room", "mon numéro de dossier est 4587 2234"), ("room", "le code promo de mon jeu marche pas"),
    ("room", "je cherche un plan pour partir pas cher à {city}"),
    ("room", "mes potes sont chauds pour une soirée"),
    ("adult", "tu es mature, j'aime les discussions avec toi"),
    ("adult", "quelle photo de profil tu préfères ?"),
    ("room", "j'ai {minorage} ans et je m'ennuie en cours"), ("teenroom", "t'as quel âge ? moi {minorage}"),
    ("teenroom", "ma prof de SVT m'a collé un 6"), ("teenroom", "qui veut parler de {game} ?"),
    ("room", "la beuh c'est dangereux pour le cerveau des ados, selon l'article"),
    ("room", "légalisation du cannabis : vous êtes pour ou contre ?"),
    ("room", "je fume plus depuis 2 ans"),
    ("room", "le pape a parlé des migrants hier"), ("room", "j'adore le rap de {city}"),
    ("room", "on a fait un barbecue, c'était chaud"), ("room", "la nuit a été longue"),
]

GROUP_ONLY = ["arabes", "juifs", "pd", "pédés", "noirs", "gitans", "migrants", "musulmans", "homos", "trans"]
SLURS = ["pd", "bougnoule", "négro", "youpin", "gouine", "tarlouze", "bicot", "travelo", "pédé"]
SEXWORD2 = ["te sucer", "te prendre", "te lécher partout", "te faire l'amour toute la nuit", "te baiser"]


def _age(rng: random.Random, span: tuple[int, int]) -> int:
    return rng.randint(*span)


def make_context(kind: str, rng: random.Random) -> dict[str, object]:
    if kind == "adult":
        return {"where": "pm", "sender_age": _age(rng, ADULT), "recipient_age": _age(rng, ADULT), "room": None}
    if kind == "room":
        room = rng.choice(["Général", "Paris", "Lyon", "Gaming", "Foot", "Musique", "Insomnie", "30-45 ans"])
        return {"where": "room", "sender_age": _age(rng, ADULT), "recipient_age": None, "room": room}
    if kind == "a2m":
        return {"where": "pm", "sender_age": _age(rng, (22, 55)), "recipient_age": _age(rng, (13, 17)), "room": None}
    if kind == "a2mroom":
        return {"where": "room", "sender_age": _age(rng, (22, 55)), "recipient_age": None, "room": "Ados 15-17"}
    if kind == "teens":
        age = _age(rng, TEEN)
        return {"where": "pm", "sender_age": age, "recipient_age": age, "room": None}
    if kind == "teenroom":
        return {"where": "room", "sender_age": _age(rng, TEEN), "recipient_age": None, "room": "Ados 15-17"}
    if kind == "explicit":
        return {"where": "room", "sender_age": _age(rng, ADULT), "recipient_age": None, "room": "Coquin 18+"}
    raise ValueError(kind)


def fill(template: str, rng: random.Random) -> str:
    def repl(m: re.Match[str]) -> str:
        slot = m.group(1)
        if slot == "grouponly":
            return rng.choice(GROUP_ONLY)
        if slot == "slur":
            return rng.choice(SLURS)
        if slot == "sexword2":
            return rng.choice(SEXWORD2)
        return rng.choice(SLOTS[slot])

    return re.sub(r"\{(\w+)\}", repl, template)


_LEET = {"a": "4", "e": "3", "i": "1", "o": "0", "s": "5"}
_ACCENTS = str.maketrans("éèêàâùûîïôç", "eeeaauuiioc")
_SMS = [("salut", "slt"), ("s'il te plaît", "stp"), ("pourquoi", "pk"), ("quoi", "koi"), ("je suis", "chui"),
        ("beaucoup", "bcp"), ("t'inquiète", "tkt"), ("aujourd'hui", "ajd"), ("rendez-vous", "rdv")]


def obfuscate(text: str, rng: random.Random) -> str:
    """One random filter-dodging trick applied to one word (or the whole line)."""
    trick = rng.randrange(6)
    words = text.split(" ")
    long_words = [i for i, w in enumerate(words) if len(w) >= 4 and w.isalpha()]
    if trick == 0:
        return text.translate(_ACCENTS).lower()
    if trick == 1 and long_words:
        i = rng.choice(long_words)
        words[i] = "".join(_LEET.get(c, c) if rng.random() < 0.5 else c for c in words[i])
    elif trick == 2 and long_words:
        i = rng.choice(long_words)
        words[i] = rng.choice([" ", ".", "-", "\u200b"]).join(words[i])
    elif trick == 3 and long_words:
        i = rng.choice(long_words)
        j = rng.randrange(len(words[i]))
        words[i] = words[i][:j] + words[i][j] * rng.randint(2, 4) + words[i][j:]
    elif trick == 4:
        for plain, short in _SMS:
            text = text.replace(plain, short)
        return text
    elif trick == 5:
        return text.upper()
    return " ".join(words)


def generate(per_template: int = 14, benign_repeat: int = 6, seed: int = SEED) -> list[dict[str, object]]:
    rng = random.Random(seed)
    rows: list[dict[str, object]] = []
    seen: set[str] = set()

    def add(text: str, labels: tuple[str, ...], kind: str) -> None:
        if rng.random() < 0.3:
            text = obfuscate(text, rng)
        if text in seen:
            return
        seen.add(text)
        rows.append({"id": f"train-{len(rows) + 1:05d}", "text": text, "labels": list(labels),
                     "context": make_context(kind, rng)})

    for labels, kind, template in TEMPLATES:
        for _ in range(per_template):
            add(fill(template, rng), labels, kind)
    for kind, template in BENIGN:
        for _ in range(benign_repeat if "{" in template else 2):
            add(fill(template, rng), (), kind)
    # Grooming cues between adults or between teens are not sexual_minor; explicit talk to a minor is.
    for labels, kind, template in TEMPLATES:
        if labels == ("sexual_minor",) and kind == "a2m" and "sexword" not in template:
            for _ in range(3):
                add(fill(template, rng), (), rng.choice(["adult", "teens"]))
        if labels == ("sexual_explicit",) and kind == "adult":
            for _ in range(3):
                add(fill(template, rng), ("sexual_minor",), "a2m")
    rng.shuffle(rows)
    for i, row in enumerate(rows, start=1):
        row["id"] = f"train-{i:05d}"
    return rows


def write(path: Path, rows: list[dict[str, object]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8") as out:
        for row in rows:
            out.write(json.dumps(row, ensure_ascii=False) + "\n")


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    path = Path(args[0]) if args else Path("data/screening/train.jsonl")
    rows = generate()
    write(path, rows)
    print(f"wrote {len(rows)} lines to {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
