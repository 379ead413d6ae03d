package kg

import (
	"reflect"
	"testing"
	"time"
)

// fill sets v (settable) to a non-zero value of its type.
func fill(t *testing.T, v reflect.Value) {
	switch v.Kind() {
	case reflect.String:
		v.SetString("x")
	case reflect.Int:
		v.SetInt(7)
	case reflect.Float64:
		v.SetFloat(0.5)
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Slice:
		s := reflect.MakeSlice(v.Type(), 1, 1)
		fill(t, s.Index(0))
		v.Set(s)
	case reflect.Struct:
		if v.Type() == reflect.TypeOf(time.Time{}) {
			v.Set(reflect.ValueOf(time.Date(2020, 1, 2, 3, 4, 5, 6, time.UTC)))
			return
		}
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() {
				fill(t, v.Field(i))
			}
		}
	default:
		t.Fatalf("fill: no value for %s", v.Type())
	}
}

// eachField calls f with a copy of the zero value of T in which one
// exported field, or one field of an element of a list field, is set.
func eachField[T any](t *testing.T, f func(name string, x *T)) {
	var zero T
	typ := reflect.TypeOf(zero)
	for i := 0; i < typ.NumField(); i++ {
		fd := typ.Field(i)
		if !fd.IsExported() {
			continue
		}
		var x T
		fill(t, reflect.ValueOf(&x).Elem().Field(i))
		f(fd.Name, &x)
		// A list of structs: each field of its element on its own.
		if fd.Type.Kind() == reflect.Slice && fd.Type.Elem().Kind() == reflect.Struct && fd.Type.Elem() != reflect.TypeOf(time.Time{}) {
			et := fd.Type.Elem()
			for j := 0; j < et.NumField(); j++ {
				var y T
				s := reflect.MakeSlice(fd.Type, 1, 1)
				fill(t, s.Index(0).Field(j))
				reflect.ValueOf(&y).Elem().Field(i).Set(s)
				f(fd.Name+"."+et.Field(j).Name, &y)
			}
		}
	}
}

// TestSameCoversEveryField: a change to any field (or to any field of a
// list's element) makes SameEntity and SameRelationship report a
// difference, as the JSON comparison they replace did, so a field added
// to Entity or Relationship cannot be forgotten by them.
func TestSameCoversEveryField(t *testing.T) {
	eachField(t, func(name string, x *Entity) {
		if SameEntity(&Entity{}, x) || SameEntity(x, &Entity{}) {
			t.Errorf("SameEntity misses Entity.%s", name)
		}
		if !SameEntity(x, x) {
			t.Errorf("SameEntity(x, x) false with Entity.%s set", name)
		}
		if !sameJSON(x, x) || sameJSON(&Entity{}, x) != SameEntity(&Entity{}, x) {
			t.Errorf("SameEntity and the JSON form disagree on Entity.%s", name)
		}
	})
	eachField(t, func(name string, x *Relationship) {
		if SameRelationship(&Relationship{}, x) || SameRelationship(x, &Relationship{}) {
			t.Errorf("SameRelationship misses Relationship.%s", name)
		}
		if !SameRelationship(x, x) {
			t.Errorf("SameRelationship(x, x) false with Relationship.%s set", name)
		}
	})
	// Empty and missing lists are the same; times are instants.
	if !SameEntity(&Entity{Aliases: []string{}}, &Entity{}) {
		t.Error("empty and missing aliases differ")
	}
	at := time.Date(2020, 1, 2, 3, 4, 5, 0, time.UTC)
	a := Relationship{Evidence: []Evidence{{Dataset: "d", Imported: at}}}
	b := Relationship{Evidence: []Evidence{{Dataset: "d", Imported: at.In(time.FixedZone("x", 3600))}}}
	if !SameRelationship(&a, &b) {
		t.Error("one instant in two zones differs")
	}
}
