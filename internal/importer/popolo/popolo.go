// Package popolo reads Popolo JSON (EveryPolitician and parliamentary open
// data) as importer records: persons, organizations (their classification
// mapped to ours: party, legislature, ...), memberships (a person MEMBER_OF
// the legislature with role, area and legislative period, and MEMBER_OF the
// party it sits for), events (legislative terms), areas and posts.
//
// The file is read twice with a streaming JSON decoder and never held
// whole: the first pass keeps what references need (organizations,
// events, areas, posts and the persons' ids), the second yields the
// records, organizations and events first, then persons and memberships
// in file order.
package popolo

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/polgraph/polgraph/internal/importer"
	"github.com/polgraph/polgraph/internal/kg"
)

// MaxAttributes bounds the attributes kept from one record.
const MaxAttributes = 200

type identifier struct {
	Identifier string `json:"identifier"`
	Scheme     string `json:"scheme"`
}

type otherName struct {
	Name string `json:"name"`
}

type link struct {
	URL  string `json:"url"`
	Note string `json:"note"`
}

type contact struct {
	Type  string `json:"type"`
	Value string `json:"value"`
}

type person struct {
	ID             string       `json:"id"`
	Name           string       `json:"name"`
	GivenName      string       `json:"given_name"`
	FamilyName     string       `json:"family_name"`
	SortName       string       `json:"sort_name"`
	HonorificPre   string       `json:"honorific_prefix"`
	OtherNames     []otherName  `json:"other_names"`
	Identifiers    []identifier `json:"identifiers"`
	Gender         string       `json:"gender"`
	BirthDate      string       `json:"birth_date"`
	DeathDate      string       `json:"death_date"`
	Email          string       `json:"email"`
	Image          string       `json:"image"`
	Images         []link       `json:"images"`
	Links          []link       `json:"links"`
	ContactDetails []contact    `json:"contact_details"`
	Sources        []link       `json:"sources"`
	Summary        string       `json:"summary"`
	Biography      string       `json:"biography"`
}

type organization struct {
	ID             string       `json:"id"`
	Name           string       `json:"name"`
	Classification string       `json:"classification"`
	OtherNames     []otherName  `json:"other_names"`
	Identifiers    []identifier `json:"identifiers"`
	Links          []link       `json:"links"`
	Seats          json.Number  `json:"seats"`
	FoundingDate   string       `json:"founding_date"`
	DissolvedDate  string       `json:"dissolution_date"`
	ParentID       string       `json:"parent_id"`
	index          int
	bad            error
}

type event struct {
	ID             string `json:"id"`
	Name           string `json:"name"`
	Classification string `json:"classification"`
	StartDate      string `json:"start_date"`
	EndDate        string `json:"end_date"`
	OrganizationID string `json:"organization_id"`
	index          int
	start, end     kg.Date
	bad            error
}

type area struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	Type string `json:"type"`
}

type post struct {
	ID             string `json:"id"`
	Label          string `json:"label"`
	Role           string `json:"role"`
	OrganizationID string `json:"organization_id"`
	AreaID         string `json:"area_id"`
}

type membership struct {
	ID                  string `json:"id"`
	PersonID            string `json:"person_id"`
	OrganizationID      string `json:"organization_id"`
	OnBehalfOfID        string `json:"on_behalf_of_id"`
	LegislativePeriodID string `json:"legislative_period_id"`
	AreaID              string `json:"area_id"`
	PostID              string `json:"post_id"`
	Role                string `json:"role"`
	Label               string `json:"label"`
	StartDate           string `json:"start_date"`
	EndDate             string `json:"end_date"`
}

// Reader yields the records of one Popolo file.
type Reader struct {
	open func() (io.ReadCloser, error)
	file string
	size int64
	meta importer.Dataset

	orgs    map[string]*organization
	orgList []*organization
	events  map[string]*event
	evList  []*event
	areas   map[string]area
	posts   map[string]post
	persons map[string]bool

	// the second pass
	queue []item
	pass  *pass
	err   error
	done  bool
}

// Open reads the Popolo file at path.
func Open(path string) (*Reader, error) { return importer.OpenFile(path, New) }

// New reads a Popolo document that open opens (it is opened twice); size
// is its length in bytes (0 when unknown), file its name in provenance.
func New(open func() (io.ReadCloser, error), size int64, file string) (*Reader, error) {
	r := &Reader{open: open, file: file, size: size,
		orgs: map[string]*organization{}, events: map[string]*event{},
		areas: map[string]area{}, posts: map[string]post{}, persons: map[string]bool{}}
	if err := r.index(); err != nil {
		return nil, err
	}
	return r, nil
}

// DatasetName is the dataset a Popolo file is when nothing names it: the
// file's base name without its extension (house.json is "house").
func DatasetName(file string) string {
	base := filepath.Base(file)
	return strings.TrimSuffix(base, filepath.Ext(base))
}

// Dataset implements importer.Described: the file's name, and its meta's
// sources as the URL.
func (r *Reader) Dataset() importer.Dataset { return r.meta }

// Progress implements importer.Measured.
func (r *Reader) Progress() (done, total int64) {
	if r.pass != nil {
		return r.pass.cr.N, r.size
	}
	if r.done {
		return r.size, r.size
	}
	return 0, r.size
}

type item struct {
	rec importer.Record
	err error
}

// pass is one read of the file: a decoder positioned inside the top-level
// object.
type pass struct {
	rc  io.ReadCloser
	cr  *importer.CountingReader
	dec *json.Decoder
	// inside an array: its key and the index of the next element
	key string
	i   int
}

func (r *Reader) begin() (*pass, error) {
	rc, err := r.open()
	if err != nil {
		return nil, err
	}
	cr := &importer.CountingReader{R: rc}
	dec := json.NewDecoder(bufio.NewReaderSize(cr, 1<<16))
	dec.UseNumber()
	p := &pass{rc: rc, cr: cr, dec: dec}
	tok, err := dec.Token()
	if err != nil {
		rc.Close()
		return nil, syntaxErr(r.file, "", p, err)
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		rc.Close()
		return nil, fmt.Errorf("%s: a Popolo file is a JSON object, not %v", r.file, tok)
	}
	return p, nil
}

func syntaxErr(file, where string, p *pass, err error) error {
	if err == io.EOF {
		err = io.ErrUnexpectedEOF
	}
	if where != "" {
		where = " in " + where
	}
	return fmt.Errorf("%s: bad JSON%s at byte %d: %w", file, where, p.dec.InputOffset(), err)
}

// nextKey reads the next key of the top-level object; "" at its end.
func (p *pass) nextKey() (string, error) {
	if !p.dec.More() {
		if _, err := p.dec.Token(); err != nil { // the closing brace
			return "", err
		}
		if _, err := p.dec.Token(); err != io.EOF {
			return "", errors.New("data after the top-level object")
		}
		return "", nil
	}
	tok, err := p.dec.Token()
	if err != nil {
		return "", err
	}
	k, ok := tok.(string)
	if !ok {
		return "", fmt.Errorf("unexpected %v", tok)
	}
	return k, nil
}

// arrays are the top-level keys holding records.
var arrays = map[string]bool{"persons": true, "organizations": true, "memberships": true, "events": true, "areas": true, "posts": true}

// enterArray reads the '[' of the array under key; false when the value is
// null.
func (p *pass) enterArray(file, key string) (bool, error) {
	tok, err := p.dec.Token()
	if err != nil {
		return false, syntaxErr(file, key, p, err)
	}
	if tok == nil {
		return false, nil
	}
	if d, ok := tok.(json.Delim); !ok || d != '[' {
		return false, fmt.Errorf("%s: %s: want an array, got %v", file, key, tok)
	}
	p.key, p.i = key, 0
	return true, nil
}

// element reads the next element of the current array as raw JSON; nil
// at the array's end.
func (p *pass) element(file string) (json.RawMessage, error) {
	if !p.dec.More() {
		if _, err := p.dec.Token(); err != nil {
			return nil, syntaxErr(file, p.key, p, err)
		}
		p.key = ""
		return nil, nil
	}
	var raw json.RawMessage
	if err := p.dec.Decode(&raw); err != nil {
		return nil, syntaxErr(file, fmt.Sprintf("%s[%d]", p.key, p.i), p, err)
	}
	p.i++
	return raw, nil
}

// index is the first pass.
func (r *Reader) index() error {
	p, err := r.begin()
	if err != nil {
		return err
	}
	defer p.rc.Close()
	r.meta.File = r.file
	r.meta.Name = DatasetName(r.file)
	for {
		key, err := p.nextKey()
		if err != nil {
			return syntaxErr(r.file, "", p, err)
		}
		if key == "" {
			return nil
		}
		if !arrays[key] {
			var v json.RawMessage
			if err := p.dec.Decode(&v); err != nil {
				return syntaxErr(r.file, key, p, err)
			}
			if key == "meta" {
				var m struct {
					Sources []string `json:"sources"`
				}
				if json.Unmarshal(v, &m) == nil && len(m.Sources) > 0 {
					r.meta.URL = m.Sources[0]
				}
			}
			continue
		}
		ok, err := p.enterArray(r.file, key)
		if err != nil {
			return err
		}
		for ok {
			i := p.i
			raw, err := p.element(r.file)
			if err != nil {
				return err
			}
			if raw == nil {
				break
			}
			switch key {
			case "organizations":
				var o organization
				if json.Unmarshal(raw, &o) == nil && o.ID != "" {
					o.index = i
					if _, dup := r.orgs[o.ID]; !dup {
						r.orgs[o.ID] = &o
					}
					r.orgList = append(r.orgList, &o)
				} else {
					r.orgList = append(r.orgList, &organization{index: i, bad: badRecord(fmt.Sprintf("organizations[%d]", i), "organizations", i, raw, json.Unmarshal(raw, &o))})
				}
			case "events":
				var e event
				err := json.Unmarshal(raw, &e)
				e.index = i
				if err == nil && e.ID != "" {
					if _, dup := r.events[e.ID]; !dup {
						r.events[e.ID] = &e
					}
				} else {
					e.bad = badRecord(fmt.Sprintf("events[%d]", i), "events", i, raw, err)
				}
				r.evList = append(r.evList, &e)
			case "areas":
				var a area
				if json.Unmarshal(raw, &a) == nil && a.ID != "" {
					r.areas[a.ID] = a
				}
			case "posts":
				var ps post
				if json.Unmarshal(raw, &ps) == nil && ps.ID != "" {
					r.posts[ps.ID] = ps
				}
			case "persons":
				var ps struct {
					ID json.RawMessage `json:"id"`
				}
				if json.Unmarshal(raw, &ps) == nil {
					var id string
					if json.Unmarshal(ps.ID, &id) == nil && id != "" {
						r.persons[id] = true
					}
				}
			}
		}
	}
}

// Next implements importer.Reader.
func (r *Reader) Next() (importer.Record, error) {
	for {
		if len(r.queue) > 0 {
			it := r.queue[0]
			r.queue = r.queue[1:]
			return it.rec, it.err
		}
		if r.err != nil {
			return importer.Record{}, r.err
		}
		if r.done {
			return importer.Record{}, io.EOF
		}
		if r.pass == nil {
			if err := r.start(); err != nil {
				r.err = err
				continue
			}
			continue
		}
		rec, err := r.step()
		if err != nil {
			var re *importer.RecordError
			if errors.As(err, &re) {
				return importer.Record{}, err
			}
			r.err = err
			r.pass.rc.Close()
			continue
		}
		if rec != nil {
			return *rec, nil
		}
	}
}

// start opens the second pass and queues the organizations and events.
func (r *Reader) start() error {
	for _, o := range r.orgList {
		if o.bad != nil {
			r.queue = append(r.queue, item{err: o.bad})
			continue
		}
		r.queue = append(r.queue, item{rec: r.orgRecord(o)})
	}
	for _, e := range r.evList {
		rec, err := r.eventRecord(e)
		if err != nil {
			e.bad = err
		}
		r.queue = append(r.queue, item{rec: rec, err: err})
	}
	p, err := r.begin()
	if err != nil {
		return err
	}
	r.pass = p
	return nil
}

// step reads the next person or membership of the second pass; nil when
// what it read yields nothing (a skipped array, the end).
func (r *Reader) step() (*importer.Record, error) {
	p := r.pass
	if p.key == "" {
		key, err := p.nextKey()
		if err != nil {
			return nil, syntaxErr(r.file, "", p, err)
		}
		if key == "" {
			r.done = true
			p.rc.Close()
			return nil, nil
		}
		if !arrays[key] {
			var v json.RawMessage
			if err := p.dec.Decode(&v); err != nil {
				return nil, syntaxErr(r.file, key, p, err)
			}
			return nil, nil
		}
		if _, err := p.enterArray(r.file, key); err != nil {
			return nil, err
		}
		return nil, nil
	}
	key, i := p.key, p.i
	raw, err := p.element(r.file)
	if err != nil || raw == nil {
		return nil, err
	}
	switch key {
	case "persons":
		rec, err := r.personRecord(i, raw)
		return rec, err
	case "memberships":
		return r.membershipRecord(i, raw)
	case "areas":
		var a area
		if err := json.Unmarshal(raw, &a); err != nil || a.ID == "" {
			return nil, badRecord(fmt.Sprintf("areas[%d]", i), "areas", i, raw, err)
		}
		return &importer.Record{ID: a.ID, Skip: "an area is kept on its memberships (attributes area, area_id), not as an entity"}, nil
	case "posts":
		var ps post
		if err := json.Unmarshal(raw, &ps); err != nil || ps.ID == "" {
			return nil, badRecord(fmt.Sprintf("posts[%d]", i), "posts", i, raw, err)
		}
		return &importer.Record{ID: ps.ID, Skip: "a post is kept on its memberships (role, attributes post, area), not as an entity"}, nil
	}
	return nil, nil // organizations and events were queued from the index
}

// badRecord is the error for an element that does not decode: it names
// the record by its id when it has one, and the field at fault.
func badRecord(name, key string, i int, raw json.RawMessage, err error) error {
	var idv struct {
		ID any `json:"id"`
	}
	if json.Unmarshal(raw, &idv) == nil {
		if s, ok := idv.ID.(string); ok && s != "" {
			name = s
		}
	}
	where := fmt.Sprintf("%s[%d]", key, i)
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return importer.Recordf(name, where+"."+te.Field, "want a %s, got a JSON %s", te.Type, te.Value)
	}
	if err != nil {
		return importer.Recordf(name, where, "%v", err)
	}
	return importer.Recordf(name, where+".id", "a record needs a string id")
}

func identifiers(list []identifier) []kg.Identifier {
	var out []kg.Identifier
	for _, id := range list {
		if strings.TrimSpace(id.Scheme) == "" || strings.TrimSpace(id.Identifier) == "" {
			continue
		}
		if len(out) == kg.MaxIdentifiers {
			break
		}
		out = append(out, kg.Identifier{Scheme: id.Scheme, Value: id.Identifier})
	}
	return out
}

type attrs []kg.Attribute

func (a *attrs) add(name, value string) {
	value = strings.TrimSpace(value)
	if value == "" || len(*a) >= MaxAttributes {
		return
	}
	for _, x := range *a {
		if x.Name == name && x.Value == value {
			return
		}
	}
	*a = append(*a, kg.Attribute{Name: name, Value: value})
}

func aliases(list []otherName) []string {
	var out []string
	for _, n := range list {
		if strings.TrimSpace(n.Name) != "" {
			out = append(out, n.Name)
		}
	}
	return out
}

// classes maps Popolo organization classifications to ours.
var classes = map[string]kg.OrgClass{
	"party": kg.Party, "political party": kg.Party,
	"legislature": kg.Legislature, "chamber": kg.Legislature, "parliament": kg.Legislature, "house": kg.Legislature,
	"executive": kg.Government, "government": kg.Government, "cabinet": kg.Government,
	"ministry": kg.Ministry, "department": kg.Ministry,
	"court": kg.Court, "judiciary": kg.Court,
	"company": kg.Company, "corporation": kg.Company,
	"agency": kg.Agency, "commission": kg.Agency,
	"embassy": kg.DiplomaticMission, "diplomatic mission": kg.DiplomaticMission,
	"media": kg.MediaOutlet,
}

func (r *Reader) orgRecord(o *organization) importer.Record {
	e := &kg.Entity{ID: o.ID, Kind: kg.Organization, Name: o.Name, Aliases: aliases(o.OtherNames), Identifiers: identifiers(o.Identifiers)}
	var a attrs
	c, ok := classes[strings.ToLower(strings.TrimSpace(o.Classification))]
	if !ok {
		c = kg.OtherOrg
		a.add("classification", o.Classification)
	}
	e.Classification = c
	for _, l := range o.Links {
		a.add("link", l.URL)
	}
	a.add("seats", o.Seats.String())
	a.add("founding_date", o.FoundingDate)
	a.add("dissolution_date", o.DissolvedDate)
	a.add("parent_id", o.ParentID)
	e.Attributes = a
	return importer.Record{ID: o.ID, Entity: e}
}

func (r *Reader) eventRecord(ev *event) (importer.Record, error) {
	if ev.bad != nil {
		return importer.Record{}, ev.bad
	}
	name := fmt.Sprintf("events[%d]", ev.index)
	start, err := importer.ParseDate(ev.ID, name+".start_date", ev.StartDate)
	if err != nil {
		return importer.Record{}, err
	}
	end, err := importer.ParseDate(ev.ID, name+".end_date", ev.EndDate)
	if err != nil {
		return importer.Record{}, err
	}
	ev.start, ev.end = start, end
	if !start.IsZero() && !end.IsZero() && start.Lo() > end.Hi() {
		return importer.Record{}, importer.Recordf(ev.ID, name+".end_date", "%s is before start_date %s", end, start)
	}
	e := &kg.Entity{ID: ev.ID, Kind: kg.Event, Name: ev.Name, Date: start, EventType: ev.Classification}
	if strings.TrimSpace(e.Name) == "" {
		e.Name = ev.ID
	}
	var a attrs
	a.add("start_date", ev.StartDate)
	a.add("end_date", ev.EndDate)
	e.Attributes = a
	rec := importer.Record{ID: ev.ID, Entity: e}
	if ev.OrganizationID != "" {
		if _, ok := r.orgs[ev.OrganizationID]; !ok {
			return importer.Record{}, importer.Recordf(ev.ID, name+".organization_id", "no organization %q in the file", ev.OrganizationID)
		}
		rec.Relationships = []kg.Relationship{{Type: kg.About, From: ev.ID, To: ev.OrganizationID, Since: start, Until: end}}
	}
	return rec, nil
}

func (r *Reader) personRecord(i int, raw json.RawMessage) (*importer.Record, error) {
	var p person
	if err := json.Unmarshal(raw, &p); err != nil || p.ID == "" {
		return nil, badRecord(fmt.Sprintf("persons[%d]", i), "persons", i, raw, err)
	}
	at := fmt.Sprintf("persons[%d].", i)
	name := strings.TrimSpace(p.Name)
	if name == "" {
		name = strings.TrimSpace(p.GivenName + " " + p.FamilyName)
	}
	if name == "" {
		return nil, importer.Recordf(p.ID, at+"name", "a person needs a name (name, or given_name and family_name)")
	}
	birth, err := importer.ParseDate(p.ID, at+"birth_date", p.BirthDate)
	if err != nil {
		return nil, err
	}
	death, err := importer.ParseDate(p.ID, at+"death_date", p.DeathDate)
	if err != nil {
		return nil, err
	}
	if !birth.IsZero() && !death.IsZero() && birth.Lo() > death.Hi() {
		return nil, importer.Recordf(p.ID, at+"death_date", "%s is before birth_date %s", death, birth)
	}
	e := &kg.Entity{ID: p.ID, Kind: kg.Person, Name: name, Aliases: aliases(p.OtherNames),
		Identifiers: identifiers(p.Identifiers), Gender: p.Gender, BirthDate: birth, DeathDate: death,
		Description: p.Summary}
	var a attrs
	a.add("given_name", p.GivenName)
	a.add("family_name", p.FamilyName)
	a.add("sort_name", p.SortName)
	a.add("honorific_prefix", p.HonorificPre)
	a.add("email", p.Email)
	a.add("image", p.Image)
	for _, im := range p.Images {
		a.add("image", im.URL)
	}
	for _, l := range p.Links {
		a.add("link", l.URL)
	}
	for _, c := range p.ContactDetails {
		a.add("contact:"+c.Type, c.Value)
	}
	for _, s := range p.Sources {
		a.add("source", s.URL)
	}
	e.Attributes = a
	return &importer.Record{ID: p.ID, Entity: e}, nil
}

// MembershipID is a membership's record id: its own id, or one made from
// what it says (Popolo memberships rarely have ids), so that the same
// membership is the same record in every run.
func MembershipID(m membership) string {
	if m.ID != "" {
		return m.ID
	}
	h := []string{m.PersonID, m.OrganizationID, m.OnBehalfOfID, m.LegislativePeriodID, m.AreaID, m.PostID, m.Role, m.StartDate, m.EndDate}
	return "membership/" + strings.Join([]string{m.PersonID, m.OrganizationID, importer.ShortHash(strings.Join(h, "\x00"))}, "/")
}

func (r *Reader) membershipRecord(i int, raw json.RawMessage) (*importer.Record, error) {
	var m membership
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, badRecord(fmt.Sprintf("memberships[%d]", i), "memberships", i, raw, err)
	}
	id := MembershipID(m)
	at := fmt.Sprintf("memberships[%d].", i)
	if m.PersonID == "" {
		return nil, importer.Recordf(id, at+"person_id", "a membership needs a person_id")
	}
	if !r.persons[m.PersonID] {
		return nil, importer.Recordf(id, at+"person_id", "no person %q in the file", m.PersonID)
	}
	if m.OrganizationID == "" {
		return nil, importer.Recordf(id, at+"organization_id", "a membership needs an organization_id")
	}
	org, ok := r.orgs[m.OrganizationID]
	if !ok {
		return nil, importer.Recordf(id, at+"organization_id", "no organization %q in the file", m.OrganizationID)
	}
	var party *organization
	if m.OnBehalfOfID != "" {
		if party, ok = r.orgs[m.OnBehalfOfID]; !ok {
			return nil, importer.Recordf(id, at+"on_behalf_of_id", "no organization %q in the file", m.OnBehalfOfID)
		}
	}
	var period *event
	if m.LegislativePeriodID != "" {
		if period, ok = r.events[m.LegislativePeriodID]; !ok {
			return nil, importer.Recordf(id, at+"legislative_period_id", "no event %q in the file", m.LegislativePeriodID)
		}
	}
	var a attrs
	role := m.Role
	if m.PostID != "" {
		ps, ok := r.posts[m.PostID]
		if !ok {
			return nil, importer.Recordf(id, at+"post_id", "no post %q in the file", m.PostID)
		}
		a.add("post", ps.Label)
		a.add("post_id", ps.ID)
		if role == "" {
			role = ps.Role
		}
		if m.AreaID == "" {
			m.AreaID = ps.AreaID
		}
	}
	if m.AreaID != "" {
		ar, ok := r.areas[m.AreaID]
		if !ok {
			return nil, importer.Recordf(id, at+"area_id", "no area %q in the file", m.AreaID)
		}
		a.add("area", ar.Name)
		a.add("area_id", ar.ID)
	}
	if role == "" {
		role = m.Label
	}
	since, err := importer.ParseDate(id, at+"start_date", m.StartDate)
	if err != nil {
		return nil, err
	}
	until, err := importer.ParseDate(id, at+"end_date", m.EndDate)
	if err != nil {
		return nil, err
	}
	if period != nil {
		if period.bad != nil {
			return nil, importer.Recordf(id, at+"legislative_period_id", "event %q is not importable", period.ID)
		}
		a.add("legislative_period", period.Name)
		a.add("legislative_period_id", period.ID)
		if since.IsZero() {
			since = period.start
		}
		if until.IsZero() {
			until = period.end
		}
	}
	if !since.IsZero() && !until.IsZero() && since.Lo() > until.Hi() {
		field := "end_date"
		if m.EndDate == "" {
			field = "start_date"
		}
		return nil, importer.Recordf(id, at+field, "the membership ends (%s) before it starts (%s)", until, since)
	}
	rels := []kg.Relationship{{Type: kg.MemberOf, From: m.PersonID, To: org.ID, Role: role, Since: since, Until: until, Attributes: a}}
	if party != nil && party.ID != org.ID {
		var pa attrs
		if period != nil {
			pa.add("legislative_period", period.Name)
			pa.add("legislative_period_id", period.ID)
		}
		pa.add("via", org.Name) // the body the person sits in for the party
		rels = append(rels, kg.Relationship{Type: kg.MemberOf, From: m.PersonID, To: party.ID, Since: since, Until: until, Attributes: pa})
	}
	return &importer.Record{ID: id, Relationships: rels}, nil
}
