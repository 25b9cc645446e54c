#include "storage/datagen/word_lists.h"

#include <array>
#include <string>

#include "common/check.h"

namespace ibex::datagen {

WeightedList::WeightedList(std::initializer_list<std::pair<std::string_view, int>> entries) {
  for (const auto& [word, weight] : entries) {
    IBEX_CHECK_GT(weight, 0);
    const auto index = static_cast<uint16_t>(words_.size());
    words_.push_back(word);
    slots_.insert(slots_.end(), static_cast<size_t>(weight), index);
  }
}

const Grammar& CommentGrammar() {
  static const WeightedList sentences{
      {"N V T", 3}, {"N V P T", 3}, {"N V N T", 3}, {"N P V N T", 1}, {"N P V P T", 1}};
  static const WeightedList noun_phrases{{"N", 10}, {"J N", 20}, {"J, J N", 10}, {"D J N", 50}};
  static const WeightedList verb_phrases{{"V", 30}, {"X V", 1}, {"V D", 40}, {"X V D", 1}};
  static const WeightedList nouns{
      {"packages", 40},     {"requests", 40},     {"accounts", 40},    {"deposits", 40},
      {"foxes", 20},        {"ideas", 20},        {"theodolites", 20}, {"pinto beans", 20},
      {"instructions", 20}, {"dependencies", 10}, {"excuses", 10},     {"platelets", 10},
      {"asymptotes", 10},   {"courts", 5},        {"dolphins", 5},     {"multipliers", 1},
      {"sauternes", 1},     {"warthogs", 1},      {"frets", 1},        {"dinos", 1},
      {"attainments", 1},   {"somas", 1},         {"Tiresias", 1},     {"patterns", 1},
      {"forges", 1},        {"braids", 1},        {"frays", 1},        {"warhorses", 1},
      {"dugouts", 1},       {"notornis", 1},      {"epitaphs", 1},     {"pearls", 1},
      {"tithes", 1},        {"waters", 1},        {"orbits", 1},       {"gifts", 1},
      {"sheaves", 1},       {"depths", 1},        {"sentiments", 1},   {"decoys", 1},
      {"realms", 1},        {"pains", 1},         {"grouches", 1},     {"escapades", 1},
      {"hockey players", 1}};
  static const WeightedList verbs{
      {"sleep", 20},    {"wake", 20},    {"are", 20},   {"cajole", 20}, {"haggle", 20},
      {"nag", 10},      {"use", 10},     {"boost", 10}, {"affix", 5},   {"detect", 5},
      {"integrate", 5}, {"maintain", 1}, {"nod", 1},    {"was", 1},     {"lose", 1},
      {"sublate", 1},   {"solve", 1},    {"thrash", 1}, {"promise", 1}, {"engage", 1},
      {"hinder", 1},    {"print", 1},    {"x-ray", 1},  {"breach", 1},  {"eat", 1},
      {"grow", 1},      {"impress", 1},  {"mold", 1},   {"poach", 1},   {"serve", 1},
      {"run", 1},       {"dazzle", 1},   {"snooze", 1}, {"doze", 1},    {"unwind", 1},
      {"kindle", 1},    {"play", 1},     {"hang", 1},   {"believe", 1}, {"doubt", 1}};
  static const WeightedList adjectives{
      {"special", 20}, {"pending", 20}, {"unusual", 20}, {"express", 20}, {"furious", 1},
      {"sly", 1},      {"careful", 1},  {"blithe", 1},   {"quick", 1},    {"fluffy", 1},
      {"slow", 1},     {"quiet", 1},    {"ruthless", 1}, {"thin", 1},     {"close", 1},
      {"dogged", 1},   {"daring", 1},   {"brave", 1},    {"stealthy", 1}, {"permanent", 1},
      {"enticing", 1}, {"idle", 1},     {"busy", 1},     {"regular", 50}, {"final", 40},
      {"ironic", 40},  {"even", 30},    {"bold", 20},    {"silent", 10}};
  static const WeightedList adverbs{
      {"sometimes", 1},  {"always", 1},     {"never", 1},       {"furiously", 50},
      {"slyly", 50},     {"carefully", 50}, {"blithely", 40},   {"quickly", 30},
      {"fluffily", 20},  {"slowly", 1},     {"quietly", 1},     {"ruthlessly", 1},
      {"thinly", 1},     {"closely", 1},    {"doggedly", 1},    {"daringly", 1},
      {"bravely", 1},    {"stealthily", 1}, {"permanently", 1}, {"enticingly", 1},
      {"idly", 1},       {"busily", 1},     {"regularly", 1},   {"finally", 1},
      {"ironically", 1}, {"evenly", 1},     {"boldly", 1},      {"silently", 1}};
  static const WeightedList prepositions{{"about", 50},
                                         {"above", 50},
                                         {"according to", 50},
                                         {"across", 50},
                                         {"after", 50},
                                         {"against", 40},
                                         {"along", 40},
                                         {"alongside of", 30},
                                         {"among", 30},
                                         {"around", 20},
                                         {"at", 10},
                                         {"atop", 1},
                                         {"before", 1},
                                         {"behind", 1},
                                         {"beneath", 1},
                                         {"beside", 1},
                                         {"besides", 1},
                                         {"between", 1},
                                         {"beyond", 1},
                                         {"by", 1},
                                         {"despite", 1},
                                         {"during", 1},
                                         {"except", 1},
                                         {"for", 1},
                                         {"from", 1},
                                         {"in place of", 1},
                                         {"inside", 1},
                                         {"instead of", 1},
                                         {"into", 1},
                                         {"near", 1},
                                         {"of", 1},
                                         {"on", 1},
                                         {"outside", 1},
                                         {"over", 1},
                                         {"past", 1},
                                         {"since", 1},
                                         {"through", 1},
                                         {"throughout", 1},
                                         {"to", 1},
                                         {"toward", 1},
                                         {"under", 1},
                                         {"until", 1},
                                         {"up", 1},
                                         {"upon", 1},
                                         {"whithout", 1},
                                         {"with", 1},
                                         {"within", 1}};
  static const WeightedList auxiliaries{{"do", 1},
                                        {"may", 1},
                                        {"might", 1},
                                        {"shall", 1},
                                        {"will", 1},
                                        {"would", 1},
                                        {"can", 1},
                                        {"could", 1},
                                        {"should", 1},
                                        {"ought to", 1},
                                        {"must", 1},
                                        {"will have to", 1},
                                        {"shall have to", 1},
                                        {"could have to", 1},
                                        {"should have to", 1},
                                        {"must have to", 1},
                                        {"need to", 1},
                                        {"try to", 1}};
  static const WeightedList terminators{{".", 50}, {";", 1}, {":", 1},
                                        {"?", 1},  {"!", 1}, {"--", 1}};
  static const Grammar grammar{sentences,  noun_phrases, verb_phrases, nouns,       verbs,
                               adjectives, adverbs,      prepositions, auxiliaries, terminators};
  return grammar;
}

std::span<const std::string_view> Colors() {
  static constexpr std::array<std::string_view, 92> kColors = {
      "almond",   "antique",   "aquamarine", "azure",      "beige",     "bisque",    "black",
      "blanched", "blue",      "blush",      "brown",      "burlywood", "burnished", "chartreuse",
      "chiffon",  "chocolate", "coral",      "cornflower", "cornsilk",  "cream",     "cyan",
      "dark",     "deep",      "dim",        "dodger",     "drab",      "firebrick", "floral",
      "forest",   "frosted",   "gainsboro",  "ghost",      "goldenrod", "green",     "grey",
      "honeydew", "hot",       "indian",     "ivory",      "khaki",     "lace",      "lavender",
      "lawn",     "lemon",     "light",      "lime",       "linen",     "magenta",   "maroon",
      "medium",   "metallic",  "midnight",   "mint",       "misty",     "moccasin",  "navajo",
      "navy",     "olive",     "orange",     "orchid",     "pale",      "papaya",    "peach",
      "peru",     "pink",      "plum",       "powder",     "puff",      "purple",    "red",
      "rose",     "rosy",      "royal",      "saddle",     "salmon",    "sandy",     "seashell",
      "sienna",   "sky",       "slate",      "smoke",      "snow",      "spring",    "steel",
      "tan",      "thistle",   "tomato",     "turquoise",  "violet",    "wheat",     "white",
      "yellow"};
  return kColors;
}

namespace {

// Builds the cross product of syllable lists in dists.dss order ("STANDARD ANODIZED TIN").
std::vector<std::string_view> CrossProduct(
    std::vector<std::string>& storage,
    std::initializer_list<std::span<const std::string_view>> parts) {
  std::vector<std::string> words{""};
  for (const auto& syllables : parts) {
    std::vector<std::string> next;
    for (const auto& prefix : words) {
      for (const auto syllable : syllables) {
        next.push_back(prefix.empty() ? std::string(syllable)
                                      : prefix + " " + std::string(syllable));
      }
    }
    words = std::move(next);
  }
  storage = std::move(words);
  return {storage.begin(), storage.end()};
}

}  // namespace

std::span<const std::string_view> PartTypes() {
  static constexpr std::array<std::string_view, 6> kSize = {"STANDARD", "SMALL",   "MEDIUM",
                                                            "LARGE",    "ECONOMY", "PROMO"};
  static constexpr std::array<std::string_view, 5> kFinish = {"ANODIZED", "BURNISHED", "PLATED",
                                                              "POLISHED", "BRUSHED"};
  static constexpr std::array<std::string_view, 5> kMetal = {"TIN", "NICKEL", "BRASS", "STEEL",
                                                             "COPPER"};
  static std::vector<std::string> storage;
  static const std::vector<std::string_view> types =
      CrossProduct(storage, {kSize, kFinish, kMetal});
  return types;
}

std::span<const std::string_view> Containers() {
  static constexpr std::array<std::string_view, 5> kSize = {"SM", "LG", "MED", "JUMBO", "WRAP"};
  static constexpr std::array<std::string_view, 8> kKind = {"CASE", "BOX", "BAG", "JAR",
                                                            "PACK", "PKG", "CAN", "DRUM"};
  static std::vector<std::string> storage;
  static const std::vector<std::string_view> containers = CrossProduct(storage, {kSize, kKind});
  return containers;
}

std::span<const std::string_view> Segments() {
  static constexpr std::array<std::string_view, 5> kList = {"AUTOMOBILE", "BUILDING", "FURNITURE",
                                                            "HOUSEHOLD", "MACHINERY"};
  return kList;
}

std::span<const std::string_view> Priorities() {
  static constexpr std::array<std::string_view, 5> kList = {"1-URGENT", "2-HIGH", "3-MEDIUM",
                                                            "4-NOT SPECIFIED", "5-LOW"};
  return kList;
}

std::span<const std::string_view> ShipModes() {
  static constexpr std::array<std::string_view, 7> kList = {"REG AIR", "AIR", "RAIL", "TRUCK",
                                                            "MAIL",    "FOB", "SHIP"};
  return kList;
}

std::span<const std::string_view> ShipInstructions() {
  static constexpr std::array<std::string_view, 4> kList = {"DELIVER IN PERSON", "COLLECT COD",
                                                            "TAKE BACK RETURN", "NONE"};
  return kList;
}

std::span<const std::string_view> ReturnFlagsRA() {
  static constexpr std::array<std::string_view, 2> kList = {"R", "A"};
  return kList;
}

std::span<const NationInfo> Nations() {
  static constexpr std::array<NationInfo, kNationCount> kNations = {{
      {"ALGERIA", 0, " haggle. carefully final deposits detect slyly agai"},
      {"ARGENTINA", 1,
       "al foxes promise slyly according to the regular accounts. bold requests alon"},
      {"BRAZIL", 1,
       "y alongside of the pending deposits. carefully special packages are about the ironic "
       "forges. slyly special "},
      {"CANADA", 1,
       "eas hang ironic, silent packages. slyly regular packages are furiously over the tithes. "
       "fluffily bold"},
      {"EGYPT", 4,
       "y above the carefully unusual theodolites. final dugouts are quickly across the furiously "
       "regular d"},
      {"ETHIOPIA", 0, "ven packages wake quickly. regu"},
      {"FRANCE", 3, "refully final requests. regular, ironi"},
      {"GERMANY", 3, "l platelets. regular accounts x-ray: unusual, regular acco"},
      {"INDIA", 2, "ss excuses cajole slyly across the packages. deposits print aroun"},
      {"INDONESIA", 2,
       " slyly express asymptotes. regular deposits haggle slyly. carefully ironic hockey players "
       "sleep blithely. carefull"},
      {"IRAN", 4, "efully alongside of the slyly final dependencies. "},
      {"IRAQ", 4, "nic deposits boost atop the quickly final requests? quickly regula"},
      {"JAPAN", 2, "ously. final, express gifts cajole a"},
      {"JORDAN", 4, "ic deposits are blithely about the carefully regular pa"},
      {"KENYA", 0,
       " pending excuses haggle furiously deposits. pending, express pinto beans wake fluffily "
       "past t"},
      {"MOROCCO", 0,
       "rns. blithely bold courts among the closely regular packages use furiously bold "
       "platelets?"},
      {"MOZAMBIQUE", 0, "s. ironic, unusual asymptotes wake blithely r"},
      {"PERU", 1,
       "platelets. blithely pending dependencies use fluffily across the even pinto beans. "
       "carefully silent accoun"},
      {"CHINA", 2,
       "c dependencies. furiously express notornis sleep slyly regular accounts. ideas sleep. "
       "depos"},
      {"ROMANIA", 3,
       "ular asymptotes are about the furious multipliers. express dependencies nag above the "
       "ironically ironic account"},
      {"SAUDI ARABIA", 4,
       "ts. silent requests haggle. closely express packages sleep across the blithely"},
      {"VIETNAM", 2, "hely enticingly express accounts. even, final "},
      {"RUSSIA", 3,
       " requests against the platelets use never according to the quickly regular pint"},
      {"UNITED KINGDOM", 3, "eans boost carefully special requests. accounts are. carefull"},
      {"UNITED STATES", 1,
       "y final packages. slow foxes cajole quickly. quickly silent platelets breach ironic "
       "accounts. unusual pinto be"},
  }};
  return kNations;
}

std::span<const std::string_view> RegionNames() {
  static constexpr std::array<std::string_view, kRegionCount> kList = {"AFRICA", "AMERICA", "ASIA",
                                                                       "EUROPE", "MIDDLE EAST"};
  return kList;
}

std::span<const std::string_view> RegionComments() {
  static constexpr std::array<std::string_view, kRegionCount> kList = {
      "lar deposits. blithely final packages cajole. regular waters are final requests. regular "
      "accounts are according to ",
      "hs use ironic, even requests. s", "ges. thinly even pinto beans ca",
      "ly final courts cajole furiously final excuse",
      "uickly special accounts cajole carefully blithely close requests. carefully final "
      "asymptotes haggle furiousl"};
  return kList;
}

}  // namespace ibex::datagen
