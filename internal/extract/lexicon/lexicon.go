// Package lexicon is the small committed vocabulary extraction reads news
// with: countries (with their demonyms, capitals and short forms), titles
// and roles (and which relationship each implies), the head words that make
// a name an organisation of a given class, and the common words that are
// capitalised only because a sentence starts with them.
package lexicon

import (
	"strings"

	"github.com/polgraph/polgraph/internal/kg"
)

// CountryInfo is one country.
type CountryInfo struct {
	Name     string
	Code     string   // ISO 3166-1 alpha-2
	Aliases  []string // short forms: "US", "the UK"
	Demonyms []string // adjectives and nouns: "Canadian", "Canadians"
	Capital  string   // the capital, which news uses for the government
}

// Countries is the country table.
var Countries = []CountryInfo{
	{"Canada", "CA", nil, []string{"Canadian", "Canadians"}, "Ottawa"},
	{"China", "CN", []string{"People's Republic of China", "PRC"}, []string{"Chinese"}, "Beijing"},
	{"United States", "US", []string{"US", "U.S.", "USA", "United States of America"}, []string{"American", "Americans"}, "Washington"},
	{"United Kingdom", "GB", []string{"UK", "U.K.", "Britain", "Great Britain"}, []string{"British", "Briton", "Britons"}, "London"},
	{"France", "FR", nil, []string{"French"}, "Paris"},
	{"Germany", "DE", nil, []string{"German", "Germans"}, "Berlin"},
	{"Italy", "IT", nil, []string{"Italian", "Italians"}, "Rome"},
	{"Spain", "ES", nil, []string{"Spanish", "Spaniards"}, "Madrid"},
	{"Portugal", "PT", nil, []string{"Portuguese"}, "Lisbon"},
	{"Netherlands", "NL", []string{"Holland", "the Netherlands"}, []string{"Dutch"}, "Amsterdam"},
	{"Belgium", "BE", nil, []string{"Belgian", "Belgians"}, "Brussels"},
	{"Switzerland", "CH", nil, []string{"Swiss"}, "Bern"},
	{"Austria", "AT", nil, []string{"Austrian", "Austrians"}, "Vienna"},
	{"Poland", "PL", nil, []string{"Polish", "Poles"}, "Warsaw"},
	{"Czech Republic", "CZ", []string{"Czechia"}, []string{"Czech", "Czechs"}, "Prague"},
	{"Hungary", "HU", nil, []string{"Hungarian", "Hungarians"}, "Budapest"},
	{"Romania", "RO", nil, []string{"Romanian", "Romanians"}, "Bucharest"},
	{"Bulgaria", "BG", nil, []string{"Bulgarian", "Bulgarians"}, "Sofia"},
	{"Greece", "GR", nil, []string{"Greek", "Greeks"}, "Athens"},
	{"Sweden", "SE", nil, []string{"Swedish", "Swedes"}, "Stockholm"},
	{"Norway", "NO", nil, []string{"Norwegian", "Norwegians"}, "Oslo"},
	{"Denmark", "DK", nil, []string{"Danish", "Danes"}, "Copenhagen"},
	{"Finland", "FI", nil, []string{"Finnish", "Finns"}, "Helsinki"},
	{"Estonia", "EE", nil, []string{"Estonian", "Estonians"}, "Tallinn"},
	{"Latvia", "LV", nil, []string{"Latvian", "Latvians"}, "Riga"},
	{"Lithuania", "LT", nil, []string{"Lithuanian", "Lithuanians"}, "Vilnius"},
	{"Ireland", "IE", nil, []string{"Irish"}, "Dublin"},
	{"Ukraine", "UA", nil, []string{"Ukrainian", "Ukrainians"}, "Kyiv"},
	{"Russia", "RU", []string{"Russian Federation"}, []string{"Russian", "Russians"}, "Moscow"},
	{"Belarus", "BY", nil, []string{"Belarusian", "Belarusians"}, "Minsk"},
	{"Moldova", "MD", nil, []string{"Moldovan", "Moldovans"}, "Chisinau"},
	{"Georgia", "GE", nil, []string{"Georgian", "Georgians"}, "Tbilisi"},
	{"Serbia", "RS", nil, []string{"Serbian", "Serbs"}, "Belgrade"},
	{"Turkey", "TR", []string{"Türkiye"}, []string{"Turkish", "Turks"}, "Ankara"},
	{"Iran", "IR", nil, []string{"Iranian", "Iranians"}, "Tehran"},
	{"Iraq", "IQ", nil, []string{"Iraqi", "Iraqis"}, "Baghdad"},
	{"Israel", "IL", nil, []string{"Israeli", "Israelis"}, "Jerusalem"},
	{"Saudi Arabia", "SA", nil, []string{"Saudi", "Saudis"}, "Riyadh"},
	{"Egypt", "EG", nil, []string{"Egyptian", "Egyptians"}, "Cairo"},
	{"India", "IN", nil, []string{"Indian", "Indians"}, "New Delhi"},
	{"Pakistan", "PK", nil, []string{"Pakistani", "Pakistanis"}, "Islamabad"},
	{"Japan", "JP", nil, []string{"Japanese"}, "Tokyo"},
	{"South Korea", "KR", []string{"Republic of Korea"}, []string{"South Korean", "South Koreans"}, "Seoul"},
	{"North Korea", "KP", nil, []string{"North Korean", "North Koreans"}, "Pyongyang"},
	{"Taiwan", "TW", nil, []string{"Taiwanese"}, "Taipei"},
	{"Vietnam", "VN", nil, []string{"Vietnamese"}, "Hanoi"},
	{"Philippines", "PH", []string{"the Philippines"}, []string{"Filipino", "Filipinos"}, "Manila"},
	{"Indonesia", "ID", nil, []string{"Indonesian", "Indonesians"}, "Jakarta"},
	{"Malaysia", "MY", nil, []string{"Malaysian", "Malaysians"}, "Kuala Lumpur"},
	{"Australia", "AU", nil, []string{"Australian", "Australians"}, "Canberra"},
	{"New Zealand", "NZ", nil, []string{"New Zealander", "New Zealanders"}, "Wellington"},
	{"Mexico", "MX", nil, []string{"Mexican", "Mexicans"}, "Mexico City"},
	{"Brazil", "BR", nil, []string{"Brazilian", "Brazilians"}, "Brasilia"},
	{"Argentina", "AR", nil, []string{"Argentine", "Argentinian", "Argentines"}, "Buenos Aires"},
	{"Chile", "CL", nil, []string{"Chilean", "Chileans"}, "Santiago"},
	{"Colombia", "CO", nil, []string{"Colombian", "Colombians"}, "Bogota"},
	{"Peru", "PE", nil, []string{"Peruvian", "Peruvians"}, "Lima"},
	{"Venezuela", "VE", nil, []string{"Venezuelan", "Venezuelans"}, "Caracas"},
	{"South Africa", "ZA", nil, []string{"South African", "South Africans"}, "Pretoria"},
	{"Nigeria", "NG", nil, []string{"Nigerian", "Nigerians"}, "Abuja"},
	{"Kenya", "KE", nil, []string{"Kenyan", "Kenyans"}, "Nairobi"},
	{"Ethiopia", "ET", nil, []string{"Ethiopian", "Ethiopians"}, "Addis Ababa"},
	{"Ghana", "GH", nil, []string{"Ghanaian", "Ghanaians"}, "Accra"},
	{"Senegal", "SN", nil, []string{"Senegalese"}, "Dakar"},
	{"Morocco", "MA", nil, []string{"Moroccan", "Moroccans"}, "Rabat"},
	{"Algeria", "DZ", nil, []string{"Algerian", "Algerians"}, "Algiers"},
	{"Mali", "ML", nil, []string{"Malian", "Malians"}, "Bamako"},
	{"Niger", "NE", nil, []string{"Nigerien", "Nigeriens"}, "Niamey"},
	{"Burkina Faso", "BF", nil, []string{"Burkinabe"}, "Ouagadougou"},
	{"Cuba", "CU", nil, []string{"Cuban", "Cubans"}, "Havana"},
}

// Country finds a country by name, alias, demonym or capital (any case,
// accents and punctuation folded); how says which it was.
func Country(s string) (c *CountryInfo, how string) {
	n := kg.NormalizeName(strings.TrimPrefix(strings.TrimPrefix(s, "the "), "The "))
	if n == "" {
		return nil, ""
	}
	e, ok := countryIndex[n]
	if !ok {
		return nil, ""
	}
	return &Countries[e.i], e.how
}

type countryEntry struct {
	i   int
	how string
}

var countryIndex = func() map[string]countryEntry {
	m := map[string]countryEntry{}
	put := func(s string, i int, how string) {
		n := kg.NormalizeName(strings.TrimPrefix(s, "the "))
		if _, dup := m[n]; !dup {
			m[n] = countryEntry{i, how}
		}
	}
	for i, c := range Countries {
		put(c.Name, i, "name")
		for _, a := range c.Aliases {
			put(a, i, "alias")
		}
	}
	for i, c := range Countries {
		for _, d := range c.Demonyms {
			put(d, i, "demonym")
		}
		put(c.Capital, i, "capital")
	}
	return m
}()

// Demonym is the country's first adjective ("Chinese").
func (c *CountryInfo) Demonym() string {
	if len(c.Demonyms) == 0 {
		return c.Name
	}
	return c.Demonyms[0]
}

// Role is a title or job a person holds, and what holding it means.
type Role struct {
	Rel kg.RelType
	// Class is the classification of the organisation the role is held
	// at (the consulate of a consul, the legislature of an MP); "" when
	// the role is held at a country (a president leads one).
	Class kg.OrgClass
	// Title marks roles written before a name as a title ("Prime Minister
	// Justin Trudeau", "Mr Dong").
	Title bool
}

// Roles maps a role's words (lower case) to what it implies. The longest
// match wins, so "foreign minister" beats "minister".
var Roles = map[string]Role{
	"mr": {Title: true}, "mr.": {Title: true}, "mrs": {Title: true}, "mrs.": {Title: true},
	"ms": {Title: true}, "ms.": {Title: true}, "dr": {Title: true}, "dr.": {Title: true},
	"sir": {Title: true}, "dame": {Title: true}, "lord": {Title: true}, "lady": {Title: true},
	"prof": {Title: true}, "professor": {Title: true},

	"prime minister":    {kg.Leads, "", true},
	"premier":           {kg.Leads, "", true},
	"president":         {kg.Leads, "", true},
	"chancellor":        {kg.Leads, "", true},
	"king":              {kg.Leads, "", true},
	"queen":             {kg.Leads, "", true},
	"leader":            {kg.Leads, kg.Party, true},
	"party leader":      {kg.Leads, kg.Party, true},
	"opposition leader": {kg.Leads, kg.Party, true},
	"chairman":          {kg.Leads, "", true},
	"chairwoman":        {kg.Leads, "", true},
	"chair":             {kg.Leads, "", false},
	"head":              {kg.Leads, "", false},
	"mayor":             {kg.Leads, "", true},
	"governor":          {kg.Leads, "", true},

	"mp":                   {kg.MemberOf, kg.Legislature, true},
	"member of parliament": {kg.MemberOf, kg.Legislature, false},
	"lawmaker":             {kg.MemberOf, kg.Legislature, true},
	"legislator":           {kg.MemberOf, kg.Legislature, true},
	"senator":              {kg.MemberOf, kg.Legislature, true},
	"sen.":                 {kg.MemberOf, kg.Legislature, true},
	"congressman":          {kg.MemberOf, kg.Legislature, true},
	"congresswoman":        {kg.MemberOf, kg.Legislature, true},
	"deputy":               {kg.MemberOf, kg.Legislature, true},
	"mep":                  {kg.MemberOf, kg.Legislature, true},
	"member":               {kg.MemberOf, "", false},

	"minister":           {kg.HoldsPosition, kg.Ministry, true},
	"foreign minister":   {kg.HoldsPosition, kg.Ministry, true},
	"defence minister":   {kg.HoldsPosition, kg.Ministry, true},
	"defense minister":   {kg.HoldsPosition, kg.Ministry, true},
	"finance minister":   {kg.HoldsPosition, kg.Ministry, true},
	"interior minister":  {kg.HoldsPosition, kg.Ministry, true},
	"justice minister":   {kg.HoldsPosition, kg.Ministry, true},
	"health minister":    {kg.HoldsPosition, kg.Ministry, true},
	"secretary":          {kg.HoldsPosition, kg.Ministry, true},
	"secretary of state": {kg.HoldsPosition, kg.Ministry, true},
	"consul-general":     {kg.HoldsPosition, kg.DiplomaticMission, true},
	"consul general":     {kg.HoldsPosition, kg.DiplomaticMission, true},
	"consul":             {kg.HoldsPosition, kg.DiplomaticMission, true},
	"ambassador":         {kg.HoldsPosition, kg.DiplomaticMission, true},
	"envoy":              {kg.HoldsPosition, kg.DiplomaticMission, true},
	"high commissioner":  {kg.HoldsPosition, kg.DiplomaticMission, true},
	"diplomat":           {kg.HoldsPosition, kg.DiplomaticMission, true},
	"judge":              {kg.HoldsPosition, kg.Court, true},

	"chief":                 {kg.HoldsPosition, "", false},
	"foreign policy chief":  {kg.HoldsPosition, "", true},
	"deputy governor":       {kg.HoldsPosition, "", true},
	"deputy leader":         {kg.HoldsPosition, kg.Party, true},
	"deputy prime minister": {kg.HoldsPosition, "", true},
	"vice president":        {kg.HoldsPosition, "", true},
	"vice-president":        {kg.HoldsPosition, "", true},
	"spokesman":             {kg.SpokespersonFor, "", false},
	"spokeswoman":           {kg.SpokespersonFor, "", false},
	"spokesperson":          {kg.SpokespersonFor, "", false},

	"executive":               {kg.WorksFor, kg.Company, false},
	"senior executive":        {kg.WorksFor, kg.Company, false},
	"chief executive":         {kg.WorksFor, kg.Company, true},
	"ceo":                     {kg.WorksFor, kg.Company, true},
	"chief financial officer": {kg.WorksFor, kg.Company, true},
	"cfo":                     {kg.WorksFor, kg.Company, true},
	"director":                {kg.WorksFor, "", true},
	"employee":                {kg.WorksFor, kg.Company, false},
	"engineer":                {kg.WorksFor, kg.Company, false},
	"founder":                 {kg.Leads, kg.Company, false},
	"official":                {kg.WorksFor, "", false},
	"adviser":                 {kg.WorksFor, "", false},
	"advisor":                 {kg.WorksFor, "", false},
}

// MaxRoleWords is the most words a key of Roles has.
const MaxRoleWords = 3

// RoleAt finds the longest role among words[i:] (case folded); n is how
// many words it took.
func RoleAt(words []string, i int) (name string, r Role, n int) {
	for k := MaxRoleWords; k >= 1; k-- {
		if i+k > len(words) {
			continue
		}
		key := strings.ToLower(strings.Join(words[i:i+k], " "))
		if rr, ok := Roles[key]; ok {
			return key, rr, k
		}
	}
	return "", Role{}, 0
}

// OrgHeads maps the last word of an organisation's name to its class.
var OrgHeads = map[string]kg.OrgClass{
	"party": kg.Party, "parties": kg.Party, "alliance": kg.Party, "coalition": kg.Party, "front": kg.Party,
	"movement": kg.Party, "league": kg.Party, "democrats": kg.Party, "republicans": kg.Party,
	"commons": kg.Legislature, "parliament": kg.Legislature, "assembly": kg.Legislature, "congress": kg.Legislature,
	"senate": kg.Legislature, "duma": kg.Legislature, "bundestag": kg.Legislature, "knesset": kg.Legislature,
	"sejm": kg.Legislature, "lords": kg.Legislature, "riksdag": kg.Legislature, "storting": kg.Legislature,
	"riigikogu": kg.Legislature, "saeima": kg.Legislature, "seimas": kg.Legislature, "folketing": kg.Legislature,
	"eduskunta": kg.Legislature, "althing": kg.Legislature, "oireachtas": kg.Legislature, "dail": kg.Legislature,
	"rada": kg.Legislature, "cortes": kg.Legislature, "bundesrat": kg.Legislature, "nationalrat": kg.Legislature,
	"majlis": kg.Legislature, "diet": kg.Legislature, "legislature": kg.Legislature, "lok sabha": kg.Legislature,
	"ministry": kg.Ministry, "department": kg.Ministry,
	"consulate": kg.DiplomaticMission, "embassy": kg.DiplomaticMission, "mission": kg.DiplomaticMission,
	"news": kg.MediaOutlet, "mail": kg.MediaOutlet, "times": kg.MediaOutlet, "post": kg.MediaOutlet,
	"journal": kg.MediaOutlet, "herald": kg.MediaOutlet, "tribune": kg.MediaOutlet, "press": kg.MediaOutlet,
	"telegraph": kg.MediaOutlet, "guardian": kg.MediaOutlet, "gazette": kg.MediaOutlet, "observer": kg.MediaOutlet,
	"broadcasting": kg.MediaOutlet, "television": kg.MediaOutlet, "radio": kg.MediaOutlet, "tv": kg.MediaOutlet,
	"chronicle": kg.MediaOutlet, "courier": kg.MediaOutlet, "standard": kg.MediaOutlet, "express": kg.MediaOutlet,
	"court": kg.Court, "tribunal": kg.Court,
	"agency": kg.Agency, "commission": kg.Agency, "bureau": kg.Agency, "police": kg.Agency, "authority": kg.Agency,
	"service": kg.Agency, "office": kg.Agency, "committee": kg.Agency, "council": kg.Agency,
	"inc": kg.Company, "inc.": kg.Company, "corp": kg.Company, "corp.": kg.Company, "ltd": kg.Company, "ltd.": kg.Company,
	"company": kg.Company, "group": kg.Company, "bank": kg.Company, "holdings": kg.Company, "corporation": kg.Company,
	"technologies": kg.Company, "industries": kg.Company, "airlines": kg.Company, "motors": kg.Company,
	"government": kg.Government, "cabinet": kg.Government,
	"fund": kg.OtherOrg, "programme": kg.OtherOrg, "program": kg.OtherOrg, "forum": kg.OtherOrg,
	"union": kg.OtherOrg, "university": kg.OtherOrg, "foundation": kg.OtherOrg, "institute": kg.OtherOrg,
	"association": kg.OtherOrg, "federation": kg.OtherOrg, "organization": kg.OtherOrg, "organisation": kg.OtherOrg,
}

// Seats are the buildings news names governments by.
var Seats = map[string]bool{
	"kremlin": true, "white house": true, "elysee": true, "downing street": true, "zhongnanhai": true,
	"blue house": true, "quirinale": true, "chancellery": true, "moncloa": true, "palacio de planalto": true,
}

// Outlets are media outlets news names without a head word.
var Outlets = map[string]bool{
	"bbc": true, "reuters": true, "afp": true, "ap": true, "associated press": true, "cnn": true,
	"xinhua": true, "al jazeera": true, "bloomberg": true, "politico": true, "axios": true,
	"cbc": true, "ctv": true, "abc": true, "nbc": true, "cbs": true, "npr": true, "tass": true,
	"ria novosti": true, "dpa": true, "efe": true, "ansa": true, "kyodo": true, "yonhap": true,
	"le monde": true, "der spiegel": true, "el pais": true, "the economist": true, "euronews": true,
}

// OutletNouns introduce a media outlet's name: "broadcaster Global News".
var OutletNouns = map[string]bool{
	"outlet": true, "newspaper": true, "broadcaster": true, "daily": true, "channel": true, "agency": true,
	"network": true, "tabloid": true, "magazine": true, "website": true, "station": true, "paper": true,
}

// OrgNouns introduce an organisation's name and its class: "party" in
// "the opposition party Civic Platform", "company" in "telecoms company Huawei".
var OrgNouns = map[string]kg.OrgClass{
	"party": kg.Party, "company": kg.Company, "firm": kg.Company, "giant": kg.Company, "group": kg.OtherOrg,
	"maker": kg.Company, "bank": kg.Company, "lender": kg.Company, "insurer": kg.Company, "carrier": kg.Company,
}

// Months and Weekdays are capitalised but are dates, not names.
var Months = map[string]int{
	"january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
	"august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
	"jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}

var Weekdays = map[string]int{
	"sunday": 0, "monday": 1, "tuesday": 2, "wednesday": 3, "thursday": 4, "friday": 5, "saturday": 6,
}

// Common are words capitalised only at the start of a sentence, in a
// headline or as a title's part; never a name on their own.
var Common = set(`a an the this that these those there their they them then his her hers he she it its we our
us you your i my me who whom whose what which when where while why how after before since during until
on in at of for from by with without about above below under over into onto to as and or but nor so yet
if though although because despite according meanwhile however also still even only just some most many
much more few several all any each every both either neither no not none one two three four five six seven
eight nine ten first second third last next new former late earlier later today yesterday tomorrow
tonight now here home source sources update updated breaking exclusive analysis opinion comment video
read watch listen live politics world news business sport sports africa europe asia america americas
north south east west middle central latin pacific atlantic region government officials police
let our mps ministers critics supporters analysts observers residents people citizens voters
mr mrs ms dr sir madam minister president prime premier spokesman spokeswoman spokesperson chief
said says told asked added unconfirmed alleged allegedly reportedly following like within among between
across against toward towards upon such other another same own whether well very too again once
federal national local international foreign domestic public private official unofficial
state states republic kingdom city town province district capital`)

func set(words string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(words) {
		m[w] = true
	}
	return m
}

// IsCommon reports whether a word is a common word, whatever its case.
func IsCommon(w string) bool { return Common[strings.ToLower(w)] }

// MissionName is the canonical name of a country's diplomatic mission
// ("consulate", "embassy") in a place: "Consulate of China in Toronto".
func MissionName(kind string, country *CountryInfo, place string) string {
	kind = strings.ToUpper(kind[:1]) + strings.ToLower(kind[1:])
	if place == "" {
		return kind + " of " + country.Name
	}
	return kind + " of " + country.Name + " in " + place
}

// MinistryName is the canonical name of a country's ministry of a
// portfolio: "Ministry of Foreign Affairs of China".
func MinistryName(portfolio string, country *CountryInfo) string {
	words := strings.Fields(portfolio)
	for i, w := range words {
		if w != "of" && w != "and" && w != "the" {
			words[i] = strings.ToUpper(w[:1]) + w[1:]
		}
	}
	return "Ministry of " + strings.Join(words, " ") + " of " + country.Name
}

// Portfolios maps a minister's adjective ("foreign minister") to the
// ministry's portfolio.
var Portfolios = map[string]string{
	"foreign": "foreign affairs", "defence": "defence", "defense": "defense", "finance": "finance",
	"interior": "interior", "justice": "justice", "health": "health", "trade": "trade",
	"economy": "economy", "education": "education", "energy": "energy",
}
