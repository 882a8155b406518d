# ruff: noqa: E501  (template data: one template per line reads better than wrapped strings)
"""A second, larger training and tuning corpus: compositional templates (CC0).

    python -m causerie.screening.corpus_more        (writes nothing; train.py uses `generate`)

Written for Causerie from general knowledge of how these harms are phrased in French chat (SMS
spelling, verlan, emoji codes) and of innocent sentences that reuse the same words (hard negatives).
Nothing is taken from the evaluation sets (dev.jsonl, MLMA): their lines were never read to write
this file. Each entry is `(labels, context kind, template)`; a template is `part + part + ...` where a
part is a `[a|b|c]` choice or text with `{slot}` fields. Templates are split by a stable hash of their
text into a training share and a held-out tuning share, so the tuning set measures phrasings the
model never saw (`split`).
"""

from __future__ import annotations

import hashlib
import random
import re

from causerie.screening.corpus import SLOTS as BASE_SLOTS
from causerie.screening.corpus import make_context, obfuscate

SEED = 1789

S: dict[str, list[str]] = {
    "city": ["Paris", "Lyon", "Marseille", "Lille", "Toulouse", "Nantes", "Bordeaux", "Nice", "Rennes", "Grenoble",
             "Montpellier", "Strasbourg", "Rouen", "le 92", "le 13", "Saint-Denis", "Créteil", "Metz"],
    "name": ["Léa", "Inès", "Yanis", "Kevin", "Manon", "Sarah", "Lucas", "Chloé", "Mehdi", "Camille", "Théo", "Jade",
             "Nathan", "Emma", "Rayan", "Julie", "Hugo", "Nora"],
    "drug": ["beuh", "weed", "shit", "coke", "cc", "md", "mdma", "ecsta", "kéta", "3mmc", "teuchi", "résine",
             "pollen", "lsd", "champis", "xanax", "🍃", "❄️", "💊", "🍫", "amnesia", "kush", "hasch", "crack", "ghb",
             "c0ke", "b3uh", "la blanche", "du matos", "tramadol", "lean", "codéine", "poppers", "taz"],
    "qty": ["10g", "5g", "1g", "le g", "la barrette", "la plaquette", "un pochon", "25g", "2g", "le demi", "100g",
            "3 grammes", "un 20", "un 50", "la boulette"],
    "price": ["10€", "20 balles", "50e", "8€ le g", "100 €", "60 euros", "15 balles", "💰", "40 le g", "prix cassé",
              "70 la plaquette"],
    "app": ["snap", "insta", "whatsapp", "telegram", "discord", "👻", "sn@p", "s n a p", "w.h.a.t.s.a.p.p", "ig",
            "tiktok", "kik", "snapchat", "i n s t a", "t3l3gram", "wsp", "signal", "wizz", "le fantôme jaune",
            "l'appli du fantôme", "tg", "messenger", "yubo"],
    "handle": ["lea_du75", "max.off.92", "jules__b13", "ines.mtl.07", "kev_du_69", "sarah.l.2008", "tom.zz.31",
               "nina_lune44", "@yanis.pro", "@mel.rose92", "chloe.bzh_29", "ray.k93", "jade_x_13", "@hugo.dz",
               "manon.b_06", "theo_rmx.75"],
    "phone": ["06 12 44 87 90", "07.81.22.45.10", "0645128733", "06 1 2 4 4 8 7 9 0", "+33 6 45 12 87 33",
              "zéro six douze quarante quatre quatre vingt sept quatre vingt dix", "O6 45 12 87 33",
              "zero sept 81 22 45 10", "06-45-12-87-33", "0 7 5 5 1 2 9 8 3 4", "06 douze 34 56 78",
              "sept cinq 06 44 12 98 zero six au début"],
    "email": ["lea.m75@gmail.com", "maxou92 at hotmail point fr", "jules.b@outlook.fr", "kevin69 arobase gmail.com",
              "chloe (at) yahoo (dot) fr", "ines.pro@proton.me"],
    "group": ["les arabes", "les noirs", "les juifs", "les musulmans", "les pd", "les gitans", "les roms", "les homos",
              "les trans", "les migrants", "les femmes", "les renois", "les rebeus", "les feujs", "les chinois",
              "les lesbiennes", "les handicapés", "les bougnoules", "les négros", "les tarlouzes", "les youpins",
              "les bridés", "les africains", "les maghrébins", "les étrangers", "les asiatiques", "les gouines",
              "les travelos", "les musulmanes voilées", "les blacks"],
    "groupbad": ["c'est tous des voleurs", "ce sont des parasites", "faut les virer", "ça devrait pas exister",
                 "c'est de la vermine", "ils pourrissent tout", "faut les cramer", "dehors", "c'est des animaux",
                 "c'est une maladie", "sont inférieurs", "doivent crever", "c'est des sous-hommes",
                 "qu'ils rentrent chez eux", "me dégoûtent", "faut tous les gazer", "c'est des singes",
                 "ça pue", "faut les exterminer", "c'est une race de merde", "on devrait les enfermer",
                 "c'est des cafards", "ont rien à faire en France", "faudrait les stériliser", "c'est la honte de l'humanité",
                 "sont tous des terroristes", "c'est des chiens", "ça se reproduit comme des lapins"],
    "insult": ["connard", "connasse", "salope", "grosse pute", "fils de pute", "enculé", "pd", "batard", "bâtard",
               "abruti", "débile", "sale con", "grosse merde", "tocard", "pouffiasse", "trou du cul", "mongol",
               "attardé", "sous-merde", "raclure", "grosse vache", "cassos", "boloss", "salopard", "ordure",
               "fdp", "ntm", "tg", "gros porc", "pétasse", "chienne", "baltringue", "clochard", "crevard"],
    "weapon": ["un couteau", "mon flingue", "une batte", "un cutter", "ma lame", "un marteau", "le 9mm", "une barre de fer"],
    "coupon": ["neosurf", "pcs", "paysafecard", "transcash", "toneo", "carte google play", "carte steam"],
    "amount": ["50", "100", "150", "200", "300", "500", "1000", "2 000", "80"],
    "rate": ["150 roses l'heure", "100 la demi-heure", "200 la nuit", "80 la pipe", "1h 150", "300 💰 la nuit",
             "50 roses 30 min", "tarif 120/h", "250 🌹 soirée", "70 la passe"],
    "gift": ["une recharge", "des v-bucks", "un iphone", "des robux", "un forfait", "50 euros", "des skins",
             "une paire de jordan", "une carte cadeau", "100 balles"],
    "minorage": ["12", "13", "14", "15", "16", "17"],
    "game": ["fortnite", "fifa", "valo", "lol", "cod", "minecraft", "rocket league", "apex", "elden ring", "gta"],
    "bodyp": ["tes seins", "ta poitrine", "tes fesses", "ton cul", "ta chatte", "ta bite", "ton corps", "ta queue",
              "ton torse", "ton sexe"],
    "act": ["te sucer", "te lécher partout", "te prendre en levrette", "te baiser", "jouir sur toi",
            "sentir ta queue", "caresser tes seins", "te doigter", "que tu me suces", "te défoncer le cul",
            "te faire jouir", "te branler", "te bouffer la chatte", "que tu t'assoies sur moi", "te sodomiser",
            "qu'on baise toute la nuit", "te mettre à quatre pattes", "te remplir", "gicler dans ta bouche",
            "te faire crier", "te faire l'amour sauvagement"],
    "sexreq": ["envoie une photo de {bodyp}", "montre moi {bodyp}", "fais moi voir {bodyp} en cam",
               "t'as des nudes ?", "envoie nude", "on fait une cam sexy ?", "envoie une vidéo où tu te touches",
               "je t'envoie une photo de ma bite ?", "tu veux voir ma queue ?"],
}
S["minorsexreq"] = S["sexreq"]

# (labels, kind, template): `[a|b]` is a choice, `{slot}` a slot; kinds as in corpus.make_context.
T: list[tuple[tuple[str, ...], str, str]] = [
    # --- drugs ---------------------------------------------------------------------------------------------
    (("drugs",), "room", "[slt|yo|wesh|bjr|cc] [j'ai|jai|g|on a] [de la|du|des] {drug} [dispo|en stock|à vendre|frais], "
                         "[livraison|drive|je livre|je me déplace] [sur|à|vers] {city}"),
    (("drugs",), "room", "[menu|carte|catalogue] du jour : {drug}, {drug}, {drug} [dispo|🔥|💯] [contact en mp|écris moi|dm]"),
    (("drugs",), "adult", "[tu veux|t'en veux|ça te dit] [un peu de|du|de la] {drug} ? [{qty} à {price}|je fais {price} {qty}|prix ami]"),
    (("drugs",), "room", "[qui|qqn|quelqu'un] [a|aurait|peut me dépanner] [de la|du] {drug} [vers|sur|à] {city} [ce soir|là|svp|en urgence] ?"),
    (("drugs",), "room", "[je cherche|cherche|besoin de] [un plug|un plan|un dealer|un contact] [pour|de] {drug} [sur|vers] {city}"),
    (("drugs",), "adult", "[je peux|j'peux] te [faire|avoir|trouver] {qty} de {drug} [pour|à] {price}"),
    (("drugs",), "room", "[🔌|plug] [dispo|ouvert] [24/24|7j/7|jusqu'à 4h] {drug} [+|et] {drug} [livraison rapide|discrétion assurée]"),
    (("drugs",), "room", "{drug} {qty} {price} [dm|mp|pv] [pour|pr] [commander|les commandes]"),
    (("drugs",), "adult", "[t'as|ta|t'aurais] [encore|toujours] [de la|du] {drug} ? [j'en veux|il m'en faut] {qty}"),
    (("drugs",), "room", "[vente|vends|vend] [de|d'] {drug} [qualité|top qualité|de ouf|pure] [sur|à] {city}, [prix en mp|{price}]"),
    (("drugs",), "adult", "[on se pose|on se retrouve] [en bas|au parc|au hall] [je te ramène|je te donne] {qty} [de|d'] {drug}"),
    (("drugs",), "teenroom", "[qui|qqn] [vend|a] [de la|du] {drug} [au lycée|au bahut|au collège|au quartier] ? [j'ai|g] {price}"),
    (("drugs",), "room", "[arrivage|nouvel arrivage|nouveau stock] [de|d'] {drug} [ce matin|aujourd'hui|frais], [faites vite|premier arrivé premier servi]"),
    (("drugs",), "adult", "[je te fais|je te vends|je te laisse] [le|la] {drug} [à|pour] {price} si tu [prends|en prends] [deux|plus|{qty}]"),
    (("drugs",), "room", "[ordonnance|cachets|médocs] de {drug} [à vendre|dispo|sans ordonnance], [mp|dm]"),
    (("drugs", "contact"), "room", "{drug} [dispo|en stock] [ajoute moi|add moi|viens] sur {app} {handle}"),
    # --- solicitation --------------------------------------------------------------------------------------
    (("solicitation",), "room", "[jeune femme|jolie brune|belle blonde|nouvelle|étudiante|jf] [dispo|disponible] [sur|à] {city} "
                                "[pour PR|pour plan rémunéré|pour moment agréable contre cadeau], {rate}"),
    (("solicitation",), "room", "[je reçois|je me déplace|reçoit et se déplace] [sur|à] {city} [, {rate}|, tarifs en mp|, discrétion assurée]"),
    (("solicitation",), "adult", "[tu prends|c'est|tu fais] [combien|quel tarif|quel prix] [pour|la] [une nuit|une heure|une pipe|un rapport|l'amour|la passe] ?"),
    (("solicitation",), "adult", "[je te paie|je te donne|je t'offre] {amount} [€|euros|balles|roses] [pour|contre] [une nuit|une pipe|coucher avec toi|un plan|une heure avec toi]"),
    (("solicitation",), "room", "[massage|massages] [naturiste|tantrique|avec finition|body body|complet] [sur|à] {city}, {rate}"),
    (("solicitation",), "room", "[escort|escorte|call girl] [indépendante|de luxe|vip] [sur|à] {city} [, {rate}|, dispo ce soir|, réservation en mp]"),
    (("solicitation",), "room", "[homme|h|mec] [généreux|aisé|50a] [cherche|recherche] [femme|jf|étudiante] pour [plan rémunéré|PR|moments coquins payés], [je paie bien|cadeau à la clé|{amount}€]"),
    (("solicitation",), "room", "[sugar daddy|sugardaddy|daddy généreux] [cherche|recherche] [sugar baby|étudiante|jeune femme] [, allocation de {amount}€|, relation contre argent|, contre cadeaux]"),
    (("solicitation",), "room", "[je recrute|on recrute|cherche] [des filles|des meufs|des escorts] [pour bosser|pour travailler] [pour moi|avec moi], [argent facile|50/50|je gère les clients]"),
    (("solicitation",), "adult", "[t'es|tu es] [jolie|bonne|canon], [tu veux|ça te dit de] [te faire de l'argent|gagner {amount}€] [avec ton corps|en couchant avec des clients|en faisant des plans]"),
    (("solicitation",), "room", "[plan|plans] [tarifé|tarifés|payant|payants] [dispo|ce soir|à l'hôtel] [sur|à] {city}, [mp|dm] [pour|pr] [les tarifs|le prix]"),
    (("solicitation",), "adult", "[30 min|1h|la nuit|une heure] [c'est|=] {rate}, [je reçois|à l'hôtel|chez toi en plus]"),
    (("solicitation",), "room", "[nouvelle|new] [à|sur] {city} 🌹 [dispo 24/24|réservation par sms|tous fantasmes], {rate}"),
    (("solicitation",), "adult", "[fellation|sodo|rapport] [non protégé|nature|complet] [en supplément|+50|en option], [tarifs|prix] en mp"),
    (("solicitation",), "explicit", "[couple|femme|trans] [propose|offre] [ses services|des plans] [contre rémunération|payants|contre 💰], {rate}"),
    (("solicitation", "contact"), "room", "[escort|jf dispo|PR] [sur|à] {city}, [contact|réservation] [sur|par] {app} {handle}"),
    # --- hate ----------------------------------------------------------------------------------------------
    (("hate",), "room", "{group} {groupbad}"),
    (("hate",), "room", "[franchement|sérieux|honnêtement|perso] {group} {groupbad}"),
    (("hate",), "room", "[mort aux|à mort les|crevez les] [arabes|juifs|pd|noirs|musulmans|gitans|homos|bougnoules|nègres]"),
    (("hate",), "room", "[la France aux français|remigration maintenant|grand remplacement], {group} {groupbad}"),
    (("hate",), "room", "[on devrait|faudrait|il faut] [renvoyer|expulser|brûler|éliminer] [tous|toutes] {group}"),
    (("hate",), "room", "[être|les] [homo|pd|gay|trans|lesbienne] c'est [contre nature|une maladie mentale|dégueulasse|une abomination]"),
    (("hate",), "room", "[les femmes|les meufs|les gonzesses] [c'est fait pour|doivent rester à] [la cuisine|la maison|se taire], [c'est tout|point]"),
    (("hate",), "room", "[hitler|le reich|les nazis] [avait raison|aurait dû finir le travail] [sur|avec] {group}"),
    (("hate",), "room", "[sale race|race de merde|race inférieure], {group} [ça se voit|c'est génétique]"),
    (("hate", "harassment"), "adult", "[sale|espèce de] [bougnoule|négro|youpin|pd|tarlouze|bridé|gouine|travelo|macaque], [retourne dans ton pays|va crever|{insult}]"),
    (("hate", "threat"), "room", "[on va|faut aller] [casser du|tabasser du|chasser les] [pd|arabe|noir|juif|migrant] [samedi|ce soir|au parc], [ramenez vos potes|qui vient]"),
    # --- harassment ----------------------------------------------------------------------------------------
    (("harassment",), "adult", "[t'es|tu es|t'es vraiment|t'es qu'un|t'es qu'une] [un|une|] {insult}"),
    (("harassment",), "adult", "[ferme ta gueule|ta gueule|ftg|tg|la ferme] [{insult}|espèce de {insult}|sale {insult}]"),
    (("harassment",), "adult", "[va te faire foutre|va te faire enculer|va crever|va niquer ta mère|nique ta mère] [{insult}|sale {insult}|]"),
    (("harassment",), "adult", "[personne t'aime|tout le monde te déteste|tu sers à rien|tu devrais disparaître|t'es une erreur], [{insult}|sale {insult}]"),
    (("harassment",), "adult", "[t'es moche|t'es grosse|t'es laide|t'es dégueulasse|tu pues], [personne voudra de toi|va te cacher|{insult}]"),
    (("harassment",), "adult", "[pourquoi tu réponds pas|réponds moi|réponds|je sais que tu lis], [je vais pas te lâcher|je lâcherai pas|je vais te harceler jusqu'à ce que tu répondes]"),
    (("harassment",), "adult", "[tu m'as bloqué|t'as cru m'échapper] [mais|et] [j'ai fait un autre compte|je reviens avec un nouveau pseudo|je te retrouverai partout]"),
    (("harassment",), "adult", "[je vais|je vais aller] [balancer|publier|montrer] [tes photos|nos messages|tes nudes|ta conv] [à tout le monde|sur les réseaux|à ton mec]"),
    (("harassment",), "teens", "[t'es|tu es] [une|un] {insult}, [tout le monde se fout de toi|personne t'aime] [au bahut|au collège|en classe]"),
    (("harassment",), "room", "{name} [t'es|tu es] [la honte du salon|un boloss|une merde|un déchet], [dégage|casse toi|{insult}]"),
    (("harassment",), "adult", "[suicide toi|va te pendre|tue toi|jette toi sous un train|crève], [ça fera du bien à tout le monde|personne te regrettera|{insult}]"),
    (("harassment",), "adult", "[fils de pute|fdp|enculé|connard|salope], [tu vas voir|je t'emmerde|t'es qu'une merde]"),
    # --- threat --------------------------------------------------------------------------------------------
    (("threat",), "adult", "[je sais|on sait|j'ai trouvé] où tu [habites|vis|bosses|dors], [je vais venir|on va venir|tu vas voir|fais gaffe]"),
    (("threat",), "adult", "[je vais|j'vais|on va] te [planter|buter|tuer|crever|égorger|fumer|défoncer la gueule|faire la peau|casser les jambes] [avec {weapon}|ce soir|demain|à la sortie]"),
    (("threat",), "adult", "[t'es mort|t'es une femme morte|t'es un homme mort|tu vas mourir], [on t'attend|je t'attends|on va te trouver] [à la sortie|devant chez toi|au bahut]"),
    (("threat",), "adult", "[une balle dans ta tête|je te mets une balle|je vais te tirer dessus|je vais sortir le fusil] [si tu recommences|tu vas voir|sale {insult}]"),
    (("threat",), "adult", "[je vais|on va] [brûler|cramer|incendier] [ta voiture|ta maison|ton appart|ta boutique], [tu vas le regretter|attends toi]"),
    (("threat",), "adult", "[ta mère|ta soeur|ta famille|tes enfants] [va|vont] [payer|souffrir|y passer] [pour ce que t'as fait|crois moi|tu vas voir]"),
    (("threat",), "adult", "[je vais|on va] [balancer|publier] ton adresse [et|puis] [on viendra te chercher|les gars vont passer|tu vas voir ce qui t'attend]"),
    (("threat",), "teens", "[je vais|on va] te [casser la gueule|démonter|tabasser|frapper] [demain|à la récré|après les cours] [au collège|au lycée|devant le bahut]"),
    (("threat",), "adult", "[fais gaffe à toi|surveille tes arrières|regarde derrière toi] [quand tu sors|ce soir|la nuit], [on sait qui t'es|on te lâchera pas]"),
    (("threat",), "room", "[je vais|j'vais] [faire un carnage|tirer dans le tas|tout faire péter|poser une bombe] [au lycée|à la gare|demain|au centre commercial]"),
    # --- scam ----------------------------------------------------------------------------------------------
    (("scam",), "adult", "[envoie moi|paie moi|verse moi] {amount}€ [en|de] {coupon} [sinon|ou] [j'envoie tes photos|je publie ta vidéo|tout le monde verra tes nudes] [à tes contacts|à ta famille|sur insta]"),
    (("scam",), "adult", "[je suis|moi c'est] [militaire|médecin|ingénieur] [en mission|à l'étranger|sur une plateforme], [bloqué|coincé], [il me faut|j'ai besoin de] {amount}€ [pour les frais|pour la douane|pour rentrer]"),
    (("scam",), "room", "[gagne|gagnez|je me fais] {amount}€ [par jour|par semaine] [sans rien faire|depuis ton canapé|facilement] [avec le trading|grâce à la crypto|avec ma méthode], [lien en bio|écris moi|dm]"),
    (("scam",), "adult", "[prête moi|donne moi|envoie moi] ton [rib|iban|code de carte|numéro de carte], [tu recevras|je te vire] {amount}€ [et tu gardes la moitié|sous 24h|c'est légal]"),
    (("scam",), "room", "[félicitations|bravo], [vous avez gagné|tu as gagné|vous êtes l'heureux gagnant d'] [un iphone|une ps5|{amount}€], [cliquez|clique] [ici|sur le lien] [https://gain-cadeau.example|bit.ly/gain]"),
    (("scam",), "adult", "[achète|va acheter] [des coupons|une carte|des recharges] {coupon} [au tabac|en ligne] [et envoie moi les codes|et donne moi le code|en photo]"),
    (("scam",), "room", "[investis|place] {amount}€ [dans mon projet|en bitcoin|sur ma plateforme], [rendement garanti|x10 en une semaine|sans risque]"),
    (("scam",), "adult", "[ton compte|ta carte|ton colis] [est|a été] [suspendu|bloqué|retenu], [vérifie|confirme] [ton identité|tes coordonnées bancaires] [sur ce lien|ici]"),
    (("scam",), "adult", "[je suis|je suis un] sugar daddy, [je t'envoie|tu recevras] {amount}€ [par semaine|chaque mois], [il faut juste|suffit de] [payer les frais|acheter un coupon {coupon}|m'envoyer {amount}€ d'abord]"),
    # --- contact -------------------------------------------------------------------------------------------
    (("contact",), "adult", "[ajoute moi|add moi|rajoute moi|viens] [sur|en] {app} [c'est|:|->] {handle}"),
    (("contact",), "adult", "[t'as|ta|tu as|t'aurais] {app} ? [on sera mieux|c'est plus simple|on parle mieux là-bas]"),
    (("contact",), "adult", "[mon num|mon numéro|mon 06|mon tel|mon portable] [c'est|:|=] {phone}"),
    (("contact",), "adult", "[écris moi|envoie moi un mail|contacte moi] [sur|à] {email}"),
    (("contact",), "adult", "[donne moi|passe moi|file moi|envoie] ton [{app}|num|numéro|06|insta|snap] [stp|steuplé|vite]"),
    (("contact",), "adult", "[appelle moi|sms moi|texto moi|bip moi] [au|sur le] {phone}"),
    (("contact",), "adult", "[ici c'est surveillé|on est surveillés ici|les modos lisent tout], [passe|viens|on va] sur {app}"),
    (("contact",), "room", "[mon|mn|mon vrai] {app} [:|c'est|=] {handle} [ajoutez moi|add|]"),
    (("contact",), "teens", "[tu me passes|tu me donnes|donne] ton {app} ? [moi c'est|le mien c'est] {handle}"),
    (("contact",), "adult", "[note|retiens] : [zero six|06|07] [puis|et après|ensuite] [douze|12] [trente|30] [quarante|40] [cinquante|50]"),
    # --- sexual_explicit -----------------------------------------------------------------------------------
    (("sexual_explicit",), "adult", "[j'ai envie de|je veux|je rêve de|j'ai trop envie de|g envie de] {act} [ce soir|maintenant|😈|🥵|]"),
    (("sexual_explicit",), "adult", "[tu veux que je|ça te dirait que je|laisse moi] {act} ?"),
    (("sexual_explicit",), "adult", "{sexreq}"),
    (("sexual_explicit",), "adult", "[je suis|chui|jsuis] [tout dur|en train de me branler|trempée|toute mouillée|excité] [en pensant à toi|devant ta photo|là]"),
    (("sexual_explicit",), "adult", "[tu mouilles|tu bandes|t'es excitée|t'es chaude] [quand tu penses à moi|là|pour moi] ?"),
    (("sexual_explicit",), "room", "[mec|h|homme|femme|f|couple] [cherche|recherche] [femme|homme|mec|couple|jf] pour [plan cul|plan q|plan sexe|plan d'un soir|sexe sans lendemain] [sur|à] {city}"),
    (("sexual_explicit",), "explicit", "[qui est|qui est chaude|qui veut] [pour|partante pour] [un plan cul|une partouze|un plan à trois|un gangbang|une cam hot] [ce soir|maintenant] ?"),
    (("sexual_explicit",), "adult", "[t'aimes|tu kiffes|tu préfères] [la levrette|la sodomie|sucer|te faire lécher|les fessées|le sexe brutal] ?"),
    (("sexual_explicit",), "adult", "[j'ai une|ma] [grosse bite|grosse queue|teub] [pour toi|qui t'attend|tu vas adorer]"),
    (("sexual_explicit",), "adult", "[je me touche|je me caresse|je me doigte|je me branle] [en pensant à toi|devant ta photo|en lisant tes messages]"),
    (("sexual_explicit",), "adult", "[tes seins|ton cul|tes fesses|ta chatte|ta bouche] [me rendent fou|j'ai envie de les lécher|je veux les sentir|🍑💦|🍆💦]"),
    (("sexual_explicit",), "adult", "[on baise|on couche ensemble|on nique|on fait l'amour] [ce soir|chez moi|chez toi|dans ta voiture] ? [je suis chaud|je suis chaude|🥵]"),
    (("sexual_explicit",), "adult", "[🍆|🍑|💦|👅] [{act}|ce soir|pour toi] [🍆|💦|😈]"),
    # --- sexual_minor --------------------------------------------------------------------------------------
    (("sexual_minor",), "a2m", "[t'as|ta|tu as] quel [âge|age] ? [{minorage}|t'es au collège|t'es en quelle classe] ? [t'es mature|tu fais plus|c'est pas grave, l'âge c'est qu'un chiffre]"),
    (("sexual_minor",), "a2m", "[t'es|tu es] [seule|toute seule|seul] [chez toi|à la maison|dans ta chambre] ? [tes parents|ta mère|tes darons] [rentrent quand|sont où|dorment] ?"),
    (("sexual_minor",), "a2m", "[envoie moi|montre moi|fais moi voir] [une photo de toi|une photo|ta tenue|tes jambes|ton corps] [en maillot|en pyjama|en sous-vêtements|dans ton lit|sans ton haut|en culotte]"),
    (("sexual_minor",), "a2m", "[c'est|ça reste] [notre secret|entre nous|notre petit secret], [dis rien|parle pas|faut rien dire] [à tes parents|à ta mère|à personne|à tes copines]"),
    (("sexual_minor",), "a2m", "[je peux t'offrir|je t'achète|je te paie|je te donne] {gift} [si tu m'envoies une photo|si tu viens me voir|si tu fais un truc pour moi|contre une photo]"),
    (("sexual_minor",), "a2m", "[on se voit|on peut se voir|je viens te chercher|je passe te prendre] [samedi|après les cours|devant ton collège|à la sortie du lycée] ? [personne le saura|je t'emmène en voiture]"),
    (("sexual_minor",), "a2m", "[supprime|efface] [nos messages|la conv|nos photos] [après|ce soir|avant que tes parents voient], [ok|d'accord|promis] ?"),
    (("sexual_minor",), "a2m", "[t'as déjà|tu as déjà] [embrassé un garçon|couché avec quelqu'un|fait l'amour|vu un sexe d'homme], [je peux t'apprendre|je t'apprendrai|je serai doux]"),
    (("sexual_minor",), "a2m", "[t'es|tu es] [trop belle|canon|sexy|bien formée|trop mignonne] [pour ton âge|pour une fille de {minorage} ans|ma puce|ma belle]"),
    (("sexual_minor",), "a2m", "[ma puce|ma belle|ma princesse|mon coeur], [personne doit savoir pour nous|tes parents comprendraient pas|c'est notre histoire à nous]"),
    (("sexual_minor",), "a2m", "{sexreq}"),
    (("sexual_minor",), "a2m", "[j'ai envie de|je veux|je rêve de] {act} [ma puce|petite|ma belle|]"),
    (("sexual_minor",), "a2mroom", "[qui a|y a des filles de|une meuf de] {minorage} ans [ici|dans le salon] [qui veut parler à|pour discuter avec] [un homme mature|un mec plus âgé|un adulte gentil] ?"),
    (("sexual_minor",), "room", "[je cherche|cherche|recherche] [une jeune fille|une ado|une petite|une collégienne|un jeune garçon] de {minorage} ans [pour plan discret|pour photos|pour moments coquins|pour cam]"),
    (("sexual_minor",), "room", "[qui a des|échange|je vends des] [photos|vidéos|pics] [de gamines|d'ados nues|de jeunes filles de {minorage} ans|de mineures]"),
    (("sexual_minor", "contact"), "a2m", "[t'as|ta] {app} ? [envoie moi des photos|on fait une cam|je t'envoie un truc] [dessus|là-bas], [c'est plus discret|tes parents verront pas]"),
    # --- multi ---------------------------------------------------------------------------------------------
    (("harassment", "threat"), "adult", "[sale|espèce de] {insult}, [je vais te retrouver|je sais où t'habites] et [te planter|te casser la gueule|te buter]"),
    (("scam", "contact"), "adult", "[pour le paiement|pour réserver|pour l'acompte] [envoie|paie] {amount}€ en {coupon} [sur|à] {email}"),
    (("drugs", "scam"), "adult", "[paie|envoie] {amount}€ en {coupon} [d'abord|avant] et je t'envoie [la|le] {drug} par la poste"),
]

# Hard negatives and ordinary chat: (kind, template).
B: list[tuple[str, str]] = [
    # ordinary chat
    ("room", "[slt|salut|bonsoir|yo|coucou|hello] [tout le monde|à tous|le salon|les gens] [ça va|cv|comment ça va|vous faites quoi] ?"),
    ("room", "[quelqu'un|qqn|y a qqn qui] [a vu|a regardé|regarde] [le match|la série|le film|l'émission] [hier|ce soir|de dimanche] ?"),
    ("room", "[des gens de|qui est de|y a du monde sur] {city} [ici|dans le coin|ce soir] ?"),
    ("room", "[je m'ennuie|je m'ennuie grave|trop la flemme|insomnie encore], [qui veut parler|quelqu'un pour discuter|racontez moi un truc]"),
    ("adult", "[tu fais quoi|tu fais koi|tfk|tu fais quoi de beau] [ce week-end|ce soir|demain|pendant les vacances] ?"),
    ("teenroom", "[qui joue à|qqn pour une partie de|on fait une game de] {game} [ce soir|là|après les cours] ?"),
    ("room", "[bonne nuit|bonne soirée|à demain|bisous] [tout le monde|les amis|à tous|la team]"),
    ("adult", "[t'as quel âge|tu as quel âge|t'as quel age] [et tu viens d'où|moi 32|au fait|?]"),
    ("teens", "[t'as quel âge|t'es en quelle classe|tu vas dans quel lycée] ? [moi 16|moi en seconde|moi en première]"),
    ("teens", "[tes parents|ta mère|tes darons] [sont là|te laissent sortir|sont d'accord] [ce soir|samedi|pour la soirée] ?"),
    ("teens", "c'est notre secret, [dis pas à|dis rien à] {name} que [je la kiffe|je le kiffe|j'ai raté le contrôle]"),
    ("adult", "[t'es seule|t'es seul|tu es seul] ce soir ? [on peut parler|moi aussi|on se fait un appel vidéo entre potes ?]"),
    # drugs hard negatives
    ("room", "[le prof|la prof|l'infirmière|le gendarme] nous a parlé [des drogues|du cannabis|de la cocaïne|des dangers du shit] [en classe|aujourd'hui|ce matin]"),
    ("room", "[j'ai arrêté|j'ai décroché de|ça fait 6 mois sans] [la beuh|le shit|la coke|la clope], [je me sens mieux|fier de moi|c'était dur]"),
    ("room", "[reportage|documentaire|article] sur [le trafic de|les réseaux de|les dealers de] {drug} [à|sur] {city} [ce soir|sur France 2|dans le Parisien]"),
    ("room", "[mon médecin|le docteur|ma psy] m'a prescrit [du xanax|du tramadol|de la codéine|des antidouleurs] [pour le dos|pour dormir|après l'opération]"),
    ("room", "[la police|les douanes|les flics] [a saisi|ont saisi|ont démantelé] [2 tonnes de coke|un réseau de shit|un point de deal] [au port|à {city}|hier]"),
    ("room", "[ce son|ce film|ce match|cette série] c'est de la [frappe|bombe|dinguerie]"),
    ("room", "[la neige ❄️ tombe|il neige ❄️|première neige ❄️] [sur|à] {city} [ce matin|ce soir|enfin]"),
    ("room", "[balade en forêt 🍃|les feuilles 🍁 tombent|mon jardin 🌿 pousse bien] [ce matin|c'est beau|trop bien]"),
    ("room", "[le drive de carrefour|la livraison de pizza|le livreur uber eats] [est fermé|est en retard|a oublié ma commande]"),
    ("room", "[le prix du gramme d'or|le prix du pain|le prix de l'essence] a [explosé|encore augmenté|baissé]"),
    ("room", "[débat sur|que pensez vous de] la légalisation du cannabis [en France|comme au Canada] ?"),
    ("room", "[j'ai pris|je prends] [un doliprane|un café|une tisane] [pour ma migraine|ce matin|avant de dormir]"),
    ("room", "[en chimie|en cours de svt] on a étudié [les molécules|la cocaïne et le cerveau|les effets de l'alcool]"),
    # solicitation hard negatives
    ("room", "[je lui ai offert|j'ai acheté|on m'a offert] [des roses|un bouquet de roses|20 roses] [pour son anniv|pour la fête des mères|pour la saint valentin]"),
    ("room", "[mon kiné|le masseur|l'ostéo] m'a fait un massage [du dos|de la nuque|génial], [ça fait du bien|je revis]"),
    ("room", "[le tarif|le prix] de [l'hôtel|la nuit à l'hôtel|la chambre] [à|sur] {city} [est abusé|c'est 120 la nuit|a doublé]"),
    ("room", "[je cherche|qqn connait] un [job étudiant|baby-sitting|boulot de nuit] [sur|à] {city}, [des idées|payé correctement] ?"),
    ("room", "[je reçois|on reçoit] [des amis|ma famille|mes potes] [ce soir|ce week-end|à la maison], [j'ai fait une raclette|trop hâte]"),
    ("room", "[reportage|débat|documentaire] sur la prostitution [des mineures|en France|à {city}], [ça fait froid dans le dos|c'est terrible]"),
    ("room", "[combien tu prends|tu prends combien] pour [réparer mon vélo|un cours de maths|garder mon chat] ? [je suis pas pressé|50 balles ça va ?]"),
    ("room", "mon [numéro de chambre|numéro de dossard|numéro de commande] c'est le [214|37|8812], [on se retrouve au hall|pour info]"),
    # hate / harassment hard negatives
    ("room", "[je suis|moi je suis] [gay|lesbienne|trans|juif|musulmane|noir|arabe] et [fier|fière] de l'être"),
    ("room", "[on m'a traité|il m'a traitée|elle s'est fait traiter] de [sale arabe|pd|sale noire|sale juif] [au taf|au lycée|dans le bus], [c'est honteux|j'ai porté plainte]"),
    ("room", "[le racisme|l'homophobie|l'antisémitisme|le sexisme] [c'est inacceptable|il faut le combattre|existe encore trop]"),
    ("room", "[les migrants|les réfugiés] ont [traversé la méditerranée|été accueillis à {city}], [reportage ce soir|article intéressant]"),
    ("room", "[les femmes|les jeunes|les noirs] sont [sous-représentés|discriminés] [en politique|à l'embauche|dans les médias], [une étude le montre|c'est triste]"),
    ("room", "[je suis|je me trouve|je suis trop] [nulle|nul|moche|bête] [en maths|aujourd'hui|en ce moment], [help|mdr]"),
    ("adult", "[t'es bête|t'es con|t'es débile] [mdr|lol|ptdr|haha] [je t'adore|t'es le meilleur|va]"),
    ("room", "[cet arbitre|ce prof|ce jeu|ce boss] [est nul|m'énerve|est abusé] [franchement|sérieux|mdr]"),
    ("room", "[putain|merde|bordel] [j'ai raté le bus|il pleut encore|mon pc a planté|j'ai oublié mes clés]"),
    ("room", "[mon chien|mon chat|mon pote] [est|c'est] un [gros con|sacré|vrai clown] [mdr|haha], [il a mangé mes chaussons|je l'adore]"),
    ("room", "[le film|le livre|la série] [parle de|raconte] [l'histoire du nazisme|la shoah|l'esclavage|la colonisation], [à voir|très dur|bouleversant]"),
    # threat hard negatives
    ("adult", "je vais te [tuer|défoncer|éclater|détruire] [au prochain match de|à] {game} [mdr|ptdr|prépare toi|ce soir]"),
    ("room", "je vais [tuer ce boss|défoncer mon partiel|exploser mon record|tout déchirer] [dans le jeu|demain|ce soir]"),
    ("room", "[ma mère va me tuer|mon père va me tuer|je vais me faire tuer], [j'ai raté le bus|j'ai cassé le vase|j'ai eu 5 en maths]"),
    ("room", "[je suis mort de rire|je suis morte|mort de rire|ptdr je suis mort] [mdr|💀|haha]"),
    ("room", "[il a tué le game|elle a tué|ce rappeur a tué] [ce rappeur|avec ce son|sur scène]"),
    ("room", "[cette raclette|ce burger|ce dessert] [était une tuerie|c'est une tuerie|une bombe]"),
    ("room", "[j'ai vu un film|je lis un polar|cette série] [où le tueur|sur un tueur|avec un flingue] [est incroyable|fait peur|trop bien]"),
    # scam hard negatives
    ("room", "[attention|méfiez vous|ne donnez jamais] [, ne donnez jamais de code|de codes|vos codes] [neosurf|pcs|paysafecard] [à un inconnu|sur internet], [c'est une arnaque|signalez]"),
    ("room", "[j'ai acheté|je prends] une carte [paysafecard|steam|google play] [au tabac|pour mon jeu|pour mon frère]"),
    ("room", "[le bitcoin|la crypto|le cac 40] a [encore chuté|remonté|explosé] [aujourd'hui|cette semaine]"),
    ("room", "[j'ai gagné|mon père a gagné] [50 balles|100 euros|un t-shirt] [au loto|au concours|au grattage]"),
    ("room", "[mon loyer|ma facture|mon abonnement] [coûte|c'est] [600 euros par mois|40 balles|trop cher]"),
    # contact hard negatives
    ("room", "[j'ai vu|regardez] une vidéo [trop drôle|de chat|incroyable] sur [tiktok|insta|youtube]"),
    ("room", "[insta|snap|tiktok] a [encore changé son algo|bugué toute la journée|une nouvelle fonction]"),
    ("adult", "[on continue en mp|je t'envoie un mp|réponds en privé] ?"),
    ("room", "[en cas de problème|si tu te sens en danger] [appelez le 119|appelle le 3018|fais le 17]"),
    ("room", "[ne donnez jamais|faut jamais donner] [votre numéro|ton adresse|ton snap] [à des inconnus|ici|sur internet]"),
    ("room", "[rdv|on se retrouve|on se voit] [à 18h|vers 20h30|à 14h] [à la gare|au ciné|devant le mcdo] [samedi|ce soir]"),
    ("room", "[le score|le résultat] [c'était|final] [3-1|2-0|21-17], [trop bien|quel match]"),
    # sexual hard negatives
    ("room", "[il fait trop chaud|quelle chaleur|canicule] [ce soir|aujourd'hui|à {city}] [🥵|🔥|]"),
    ("room", "[mon chat|ma chatte|mon chaton] [dort sur mon lit|a eu des petits|est trop mignon]"),
    ("room", "[cours d'éducation sexuelle|intervention sur le consentement|dépistage IST] [au lycée|gratuit|aujourd'hui], [c'était utile|allez y]"),
    ("room", "[la queue|une queue] [à la boulangerie|au guichet|à la poste] [était énorme|interminable|de ouf]"),
    ("room", "[j'adore|je kiffe] [les fraises 🍓 et les pêches 🍑|les aubergines 🍆 grillées|la piscine 💦]"),
    ("room", "[un gros baiser|bisous|des bises] [à tous|à ma mamie|les amis] ❤️"),
    ("room", "[octobre rose|le cancer du sein|l'allaitement], [faites vous dépister|c'est important|parlons en]"),
    ("room", "[le dessin|la statue|le tableau] [de nu|du corps humain] [au musée|en cours d'art], [magnifique|très beau]"),
    ("explicit", "[bonsoir|salut] le salon, [bonne soirée|comment ça va|qui est là] ?"),
    # short everyday lines between adults: writers used these words mostly in harmful lines, so a bare
    # question or a plan for the evening read as harm (a greeting-length line has no other context)
    ("adult", "[entre adultes|on est entre adultes|discussion entre adultes|on reste entre adultes] [,|] [on peut se parler poliment|on se dit les choses|ça se règle en parlant|on se respecte]"),
    ("adult", "[pourquoi tu réponds pas|tu réponds plus|t'as pas répondu] [au tel|sur le groupe|à ma question sur le boulot|à maman|au mail du proprio] [?|, elle s'inquiète|, c'est urgent pour la réservation]"),
    ("adult", "[c'est combien|ça coûte combien|tu l'as payé combien] [le billet|l'entrée|la place de concert|ton vélo|le menu|la location|le parking] [?|au fait ?|, je réserve ?]"),
    ("adult", "[viens chez moi|passe à la maison|on se fait une soirée chez moi] [ce soir|samedi|après le taf] [on regarde le match|avec les autres|pour la raclette|on joue à la switch]"),
    ("adult", "[je suis chaud|je suis chaude|grave chaud|partant] pour [le ciné|un resto|le foot|le karaoké|la rando] [ce soir|demain|samedi] [!|mdr|]"),
    ("adult", "[je te retrouve où|on se retrouve où|on se capte où] [pour le ciné|pour le déj|avant le concert|avec les autres] ?"),
    ("adult", "[tu m'ignores|tu me boudes|tu fais la tête] [?|ou quoi ? mdr|depuis la soirée ? 😅] [t'as vu mon message pour le covoit|c'est pour l'anniv de {name}|réponds pour le resto]"),
    ("adult", "[réponds moi stp|réponds stp|dis moi vite] [pour le covoit|pour les places|pour samedi|quand tu peux] [, je dois confirmer|, merci|]"),
    ("room", "[fais attention à toi|prends soin de toi|rentre bien] [sur la route|avec ce verglas|et repose toi|ce soir] [❤️|, bisous|]"),
    ("adult", "[t'es vraiment nul|t'es trop nul|t'es une quiche] [à ce jeu|au bowling|en cuisine|au babyfoot] [mdr|ptdr|😂] [revanche demain ?|je t'apprendrai|]"),
    # minors hard negatives
    ("room", "[mes parents|ma mère|mon père] [sont au boulot|rentrent tard|m'ont offert un vélo]"),
    ("adult", "[envoie moi|t'as] [la photo du chat|des photos de tes vacances à {city}|la photo du menu] ?"),
    ("room", "[le collège|le lycée|l'école] [de ma fille|de mon fils] [organise une sortie|a fermé|fait grève] [demain|lundi]"),
    ("room", "[attention|prévention] : [les prédateurs|les pédocriminels] [sur internet|dans les jeux en ligne] [demandent l'âge et des photos|promettent des cadeaux], [parlez en à vos enfants|signalez au 119]"),
    ("teens", "[on se voit|on se capte|rdv] [samedi|après les cours|devant le lycée] ? [avec les autres|on va au ciné]"),
    ("teens", "[supprime|efface] [la photo|le message] [où je suis moche|de la soirée] [stp|mdr]"),
    ("teens", "[t'es trop belle|t'es canon|trop stylé] [sur ta photo|aujourd'hui|avec ta nouvelle coupe] [ma belle|meuf|frère]"),
]

_CHOICE = re.compile(r"\[([^\[\]]*)\]")


def _expand(template: str, rng: random.Random) -> str:
    text = _CHOICE.sub(lambda m: rng.choice(m.group(1).split("|")), template)
    # Slots may hold slots (sexreq → bodyp): fill twice.
    for _ in range(2):
        text = re.sub(r"\{(\w+)\}", lambda m: rng.choice(S.get(m.group(1)) or BASE_SLOTS[m.group(1)]), text)
    return re.sub(r"\s+([,?!])", r"\1", re.sub(r"\s{2,}", " ", text)).strip(" ,")


def split(template: str, tune_share: float = 0.25) -> str:
    """`train` or `tune`, stable across runs: a hash of the template text."""
    h = int(hashlib.sha256(template.encode("utf-8")).hexdigest()[:8], 16) / 0xFFFFFFFF
    return "tune" if h < tune_share else "train"


def generate(per_template: int = 90, per_benign: int = 60, seed: int = SEED) -> dict[str, list[dict[str, object]]]:
    """Lines for `train` and `tune` (disjoint templates). Same seed, same output."""
    rng = random.Random(seed)
    out: dict[str, list[dict[str, object]]] = {"train": [], "tune": []}
    seen: set[str] = set()

    def add(part: str, text: str, labels: tuple[str, ...], kind: str) -> None:
        if rng.random() < 0.3:
            text = obfuscate(text, rng)
        if text in seen:
            return
        seen.add(text)
        out[part].append({"id": "", "text": text, "labels": list(labels), "context": make_context(kind, rng)})

    for labels, kind, template in T:
        part = split(template)
        for _ in range(per_template):
            add(part, _expand(template, rng), labels, kind)
        # The same grooming words between adults or between teens are not sexual_minor; explicit talk
        # to a minor is.
        if labels == ("sexual_minor",) and kind == "a2m" and "{act}" not in template and "{sexreq}" not in template:
            for _ in range(per_template // 3):
                add(part, _expand(template, rng), (), rng.choice(["adult", "teens"]))
        if labels == ("sexual_explicit",) and kind == "adult":
            for _ in range(per_template // 4):
                add(part, _expand(template, rng), ("sexual_minor",), "a2m")
    for kind, template in B:
        part = split(template)
        for _ in range(per_benign):
            add(part, _expand(template, rng), (), kind)
    for part, rows in out.items():
        rng.shuffle(rows)
        for i, row in enumerate(rows, start=1):
            row["id"] = f"{part}2-{i:05d}"
    return out


if __name__ == "__main__":
    parts = generate()
    print({k: len(v) for k, v in parts.items()})
