package graph

import (
	"context"
	"fmt"

	"github.com/99designs/gqlgen/graphql"
	"github.com/99designs/gqlgen/graphql/handler/lru"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/lexer"
)

// DocumentLimits bound a GraphQL document before it is parsed, validated
// or executed. Parsing, validation (overlapping-fields checks), complexity
// and gqlgen's field collection all cost more than linear time in the
// number of selections, aliases and fragment expansions; a budget counted
// in one linear pass over the tokens keeps a hostile document (100,000
// aliases of __typename, fragments that double at every level) from ever
// reaching those steps.
//
// Every field counts, __typename and introspection included, and counts are
// per operation with fragments expanded (a fragment spread five times
// counts five times).
type DocumentLimits struct {
	MaxTokens          int // lexical tokens in the document (comments not counted)
	MaxAliases         int // aliased fields per operation
	MaxSelections      int // fields selected per operation
	MaxDepth           int // fields nested inside each other
	MaxFragmentSpreads int // fragment spreads written in the document
	// MaxIntrospection is how many __schema and __type fields one operation
	// may select; Introspection false means none.
	MaxIntrospection int
	Introspection    bool
	CacheSize        int // documents remembered as within budget
}

// Defaults of DocumentLimits.
const (
	DefaultMaxTokens          = 15000
	DefaultMaxAliases         = 100
	DefaultMaxSelections      = 2000
	DefaultMaxFragmentSpreads = 200
	maxValueNesting           = 32 // lists and objects inside argument values, and [[Type]]
)

// Error codes of the document budget and the other limits.
const (
	CodeTokenLimit          = "TOKEN_LIMIT_EXCEEDED"
	CodeAliasLimit          = "ALIAS_LIMIT_EXCEEDED"
	CodeSelectionLimit      = "SELECTION_LIMIT_EXCEEDED"
	CodeDepthLimit          = "DEPTH_LIMIT_EXCEEDED"
	CodeFragmentLimit       = "FRAGMENT_LIMIT_EXCEEDED"
	CodeIntrospectionLimit  = "INTROSPECTION_LIMIT_EXCEEDED"
	CodeIntrospectionOff    = "INTROSPECTION_DISABLED"
	CodeComplexityLimit     = "COMPLEXITY_LIMIT_EXCEEDED"
	CodeSearchWordsLimit    = "SEARCH_WORDS_LIMIT_EXCEEDED"
	CodeTimeout             = "TIMEOUT"
	CodeCancelled           = "CANCELLED"
	codeGraphQLParseFailure = "GRAPHQL_PARSE_FAILED"
)

func limitError(code, format string, args ...any) *gqlerror.Error {
	err := gqlerror.Errorf(format, args...)
	err.Extensions = map[string]any{"code": code}
	return err
}

// DocumentBudget is the gqlgen extension that enforces DocumentLimits on the
// raw query text, before gqlgen parses it. Documents found within budget
// are remembered (by text), so a client repeating a query pays the scan
// once.
type DocumentBudget struct {
	Limits DocumentLimits
	ok     *lru.LRU[bool]
}

var _ interface {
	graphql.HandlerExtension
	graphql.OperationParameterMutator
} = &DocumentBudget{}

// NewDocumentBudget fills zero limits with the defaults.
func NewDocumentBudget(l DocumentLimits) *DocumentBudget {
	if l.MaxTokens <= 0 {
		l.MaxTokens = DefaultMaxTokens
	}
	if l.MaxAliases <= 0 {
		l.MaxAliases = DefaultMaxAliases
	}
	if l.MaxSelections <= 0 {
		l.MaxSelections = DefaultMaxSelections
	}
	if l.MaxDepth <= 0 {
		l.MaxDepth = 15
	}
	if l.MaxFragmentSpreads <= 0 {
		l.MaxFragmentSpreads = DefaultMaxFragmentSpreads
	}
	if l.MaxIntrospection <= 0 {
		l.MaxIntrospection = 1
	}
	if l.CacheSize <= 0 {
		l.CacheSize = 1000
	}
	return &DocumentBudget{Limits: l, ok: lru.New[bool](l.CacheSize)}
}

// ExtensionName implements graphql.HandlerExtension.
func (*DocumentBudget) ExtensionName() string { return "DocumentBudget" }

// Validate implements graphql.HandlerExtension.
func (b *DocumentBudget) Validate(graphql.ExecutableSchema) error {
	if b.ok == nil {
		return fmt.Errorf("DocumentBudget: build it with NewDocumentBudget")
	}
	return nil
}

// MutateOperationParameters implements graphql.OperationParameterMutator:
// it runs before gqlgen parses the query.
func (b *DocumentBudget) MutateOperationParameters(ctx context.Context, p *graphql.RawParams) *gqlerror.Error {
	if p.Query == "" {
		return nil
	}
	if _, ok := b.ok.Get(ctx, p.Query); ok {
		return nil
	}
	if err := CheckDocument(p.Query, b.Limits); err != nil {
		return err
	}
	b.ok.Add(ctx, p.Query, true)
	return nil
}

// CheckDocument scans a document once and reports the first limit it
// exceeds, or nil. A document it cannot read is left to the parser, which
// reports the syntax error with its location: a document that does not
// parse is never executed, and parsing stops at its first error.
func CheckDocument(query string, l DocumentLimits) *gqlerror.Error {
	s := &docScanner{lx: newLexer(query), lim: l, frags: map[string]*shape{}}
	s.document()
	if s.err != nil {
		return s.err
	}
	if s.syntax {
		return nil
	}
	for _, op := range s.ops {
		c := s.expand(op)
		switch {
		case c.aliases > l.MaxAliases:
			return limitError(CodeAliasLimit, "the operation has %d aliased fields, above the limit of %d", c.aliases, l.MaxAliases)
		case c.fields > l.MaxSelections:
			return limitError(CodeSelectionLimit, "the operation selects %d fields (fragments expanded), above the limit of %d", c.fields, l.MaxSelections)
		case c.depth > l.MaxDepth:
			return limitError(CodeDepthLimit, "operation is nested %d fields deep, above the limit of %d", c.depth, l.MaxDepth)
		case c.introspection > 0 && !l.Introspection:
			return limitError(CodeIntrospectionOff, "introspection (__schema, __type) is disabled on this server")
		case c.introspection > l.MaxIntrospection:
			return limitError(CodeIntrospectionLimit, "the operation selects __schema or __type %d times; at most %d introspection field per operation", c.introspection, l.MaxIntrospection)
		}
	}
	return nil
}

func newLexer(query string) lexer.Lexer { return lexer.New(&ast.Source{Input: query}) }

// counts are what a selection set costs, fragments expanded.
type counts struct {
	fields, aliases, introspection, depth int
}

func (c *counts) add(o counts, level int) {
	c.fields = satAdd(c.fields, o.fields)
	c.aliases = satAdd(c.aliases, o.aliases)
	c.introspection = satAdd(c.introspection, o.introspection)
	c.depth = max(c.depth, satAdd(level, o.depth))
}

func satAdd(a, b int) int {
	const ceiling = 1 << 40
	if a+b > ceiling {
		return ceiling
	}
	return a + b
}

// shape is one operation or fragment as written: its own fields, and the
// fragments it spreads with the nesting level of each spread.
type shape struct {
	own     counts
	spreads []spread

	state    int // 0 new, 1 expanding, 2 done
	expanded counts
}

type spread struct {
	name  string
	level int
}

// expand adds what sh's spreads bring, memoised per fragment, so that
// fragments doubling at every level cost linear time to count. A cycle
// (which validation rejects) counts nothing more.
func (s *docScanner) expand(sh *shape) counts {
	switch sh.state {
	case 1:
		return counts{}
	case 2:
		return sh.expanded
	}
	sh.state = 1
	c := sh.own
	for _, sp := range sh.spreads {
		if f := s.frags[sp.name]; f != nil {
			c.add(s.expand(f), sp.level)
		}
	}
	sh.state, sh.expanded = 2, c
	return c
}

// docScanner reads the executable-document grammar without building a
// tree: a token at a time, with recursion bounded by the depth limit.
type docScanner struct {
	lx     lexer.Lexer
	tok    lexer.Token
	tokens int
	lim    DocumentLimits

	err    *gqlerror.Error // a limit exceeded
	syntax bool            // not a document this scanner can read

	spreads int
	aliases int // written in the whole document, for an early stop
	fields  int
	frags   map[string]*shape
	ops     []*shape
}

func (s *docScanner) stopped() bool { return s.err != nil || s.syntax }

// next reads the next token that is not a comment.
func (s *docScanner) next() {
	if s.stopped() {
		s.tok = lexer.Token{Kind: lexer.EOF}
		return
	}
	for {
		tok, err := s.lx.ReadToken()
		if err != nil {
			s.syntax = true
			s.tok = lexer.Token{Kind: lexer.EOF}
			return
		}
		if tok.Kind == lexer.Comment {
			continue
		}
		s.tok = tok
		break
	}
	if s.tok.Kind != lexer.EOF {
		s.tokens++
		if s.tokens > s.lim.MaxTokens {
			s.err = limitError(CodeTokenLimit, "the document has more than %d tokens, the limit", s.lim.MaxTokens)
			s.tok = lexer.Token{Kind: lexer.EOF}
		}
	}
}

func (s *docScanner) is(k lexer.Type) bool { return !s.stopped() && s.tok.Kind == k }

func (s *docScanner) isName(v string) bool { return s.is(lexer.Name) && s.tok.Value == v }

// expect consumes a token of kind k, or marks a syntax error.
func (s *docScanner) expect(k lexer.Type) {
	if !s.is(k) {
		s.syntax = true
		return
	}
	s.next()
}

func (s *docScanner) document() {
	s.next()
	for !s.stopped() && s.tok.Kind != lexer.EOF {
		switch {
		case s.is(lexer.BraceL):
			sh := &shape{}
			s.ops = append(s.ops, sh)
			s.selectionSet(sh, 0)
		case s.isName("query"), s.isName("mutation"), s.isName("subscription"):
			sh := &shape{}
			s.ops = append(s.ops, sh)
			s.next()
			if s.is(lexer.Name) {
				s.next()
			}
			if s.is(lexer.ParenL) {
				s.variableDefinitions()
			}
			s.directives()
			s.selectionSet(sh, 0)
		case s.isName("fragment"):
			s.next()
			if !s.is(lexer.Name) || s.tok.Value == "on" {
				s.syntax = true
				return
			}
			name := s.tok.Value
			s.next()
			if !s.isName("on") {
				s.syntax = true
				return
			}
			s.next()
			s.expect(lexer.Name)
			s.directives()
			sh := &shape{}
			if _, dup := s.frags[name]; !dup {
				s.frags[name] = sh // a duplicate name is a validation error
			}
			s.selectionSet(sh, 0)
		default:
			s.syntax = true
		}
	}
}

func (s *docScanner) variableDefinitions() {
	s.expect(lexer.ParenL)
	for !s.stopped() && !s.is(lexer.ParenR) {
		s.expect(lexer.Dollar)
		s.expect(lexer.Name)
		s.expect(lexer.Colon)
		s.typeRef(0)
		if s.is(lexer.Equals) {
			s.next()
			s.value(0)
		}
		s.directives()
	}
	s.expect(lexer.ParenR)
}

func (s *docScanner) typeRef(depth int) {
	if depth > maxValueNesting {
		s.err = limitError(CodeDepthLimit, "a type is nested in more than %d lists", maxValueNesting)
		return
	}
	if s.is(lexer.BracketL) {
		s.next()
		s.typeRef(depth + 1)
		s.expect(lexer.BracketR)
	} else {
		s.expect(lexer.Name)
	}
	if s.is(lexer.Bang) {
		s.next()
	}
}

func (s *docScanner) directives() {
	for s.is(lexer.At) {
		s.next()
		s.expect(lexer.Name)
		if s.is(lexer.ParenL) {
			s.arguments()
		}
	}
}

func (s *docScanner) arguments() {
	s.expect(lexer.ParenL)
	for !s.stopped() && !s.is(lexer.ParenR) {
		s.expect(lexer.Name)
		s.expect(lexer.Colon)
		s.value(0)
	}
	s.expect(lexer.ParenR)
}

func (s *docScanner) value(depth int) {
	if depth > maxValueNesting {
		s.err = limitError(CodeDepthLimit, "an argument value is nested in more than %d lists or objects", maxValueNesting)
		return
	}
	switch {
	case s.is(lexer.Dollar):
		s.next()
		s.expect(lexer.Name)
	case s.is(lexer.Int), s.is(lexer.Float), s.is(lexer.String), s.is(lexer.BlockString), s.is(lexer.Name):
		s.next()
	case s.is(lexer.BracketL):
		s.next()
		for !s.stopped() && !s.is(lexer.BracketR) {
			s.value(depth + 1)
		}
		s.expect(lexer.BracketR)
	case s.is(lexer.BraceL):
		s.next()
		for !s.stopped() && !s.is(lexer.BraceR) {
			s.expect(lexer.Name)
			s.expect(lexer.Colon)
			s.value(depth + 1)
		}
		s.expect(lexer.BraceR)
	default:
		s.syntax = true
	}
}

// selectionSet reads { ... } whose fields are at depth level+1.
func (s *docScanner) selectionSet(sh *shape, level int) {
	if level >= s.lim.MaxDepth {
		s.err = limitError(CodeDepthLimit, "operation is nested more than %d fields deep, above the limit of %d", s.lim.MaxDepth, s.lim.MaxDepth)
		return
	}
	s.expect(lexer.BraceL)
	if s.is(lexer.BraceR) { // an empty selection set is a syntax error
		s.syntax = true
		return
	}
	for !s.stopped() && !s.is(lexer.BraceR) {
		switch {
		case s.is(lexer.Spread):
			s.next()
			if s.is(lexer.Name) && s.tok.Value != "on" {
				s.spreads++
				if s.spreads > s.lim.MaxFragmentSpreads {
					s.err = limitError(CodeFragmentLimit, "the document has more than %d fragment spreads, the limit", s.lim.MaxFragmentSpreads)
					return
				}
				sh.spreads = append(sh.spreads, spread{name: s.tok.Value, level: level})
				s.next()
				s.directives()
				continue
			}
			if s.isName("on") {
				s.next()
				s.expect(lexer.Name)
			}
			s.directives()
			s.selectionSet(sh, level) // an inline fragment's fields are at this level
		case s.is(lexer.Name):
			name := s.tok.Value
			s.next()
			if s.is(lexer.Colon) {
				s.next()
				if !s.is(lexer.Name) {
					s.syntax = true
					return
				}
				name = s.tok.Value
				s.next()
				sh.own.aliases++
				s.aliases++
				if s.aliases > s.lim.MaxAliases {
					s.err = limitError(CodeAliasLimit, "the document has more than %d aliased fields, above the limit of %d", s.lim.MaxAliases, s.lim.MaxAliases)
					return
				}
			}
			sh.own.fields++
			s.fields++
			if s.fields > s.lim.MaxSelections {
				s.err = limitError(CodeSelectionLimit, "the document selects more than %d fields, above the limit of %d", s.lim.MaxSelections, s.lim.MaxSelections)
				return
			}
			if name == "__schema" || name == "__type" {
				sh.own.introspection++
			}
			sh.own.depth = max(sh.own.depth, level+1)
			if s.is(lexer.ParenL) {
				s.arguments()
			}
			s.directives()
			if s.is(lexer.BraceL) {
				s.selectionSet(sh, level+1)
			}
		default:
			s.syntax = true
			return
		}
	}
	s.expect(lexer.BraceR)
}
