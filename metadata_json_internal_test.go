package eventstore

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// The hand-written metadata codec knows Metadata's fields by name: a field
// added to Metadata must be added there too.
func TestMetadataJSON_Fields(t *testing.T) {
	typ := reflect.TypeFor[Metadata]()
	var got []string
	for i := range typ.NumField() {
		name, _, _ := strings.Cut(typ.Field(i).Tag.Get("json"), ",")
		got = append(got, name)
	}
	if diff := cmp.Diff(metadataFields[:], got); diff != "" {
		t.Errorf("Metadata fields (-codec +struct):\n%s", diff)
	}
}

var metadataCases = []Metadata{
	{},
	{SourceID: "1183470599012345678", CorrelationID: "c-1"},
	{SourceID: "s", CorrelationID: "c", CausationID: "p", ActorID: "u", GuildID: "g", EventID: "0193a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a5b"},
	{CausationID: "only-causation"},
	{SourceID: `quote " and \ backslash`},
	{SourceID: "<html> & friends"},
	{SourceID: "tab\tnewline\ncontrol\x01"},
	{SourceID: "ünïcödé", GuildID: "line\u2028separator"},
	{SourceID: "invalid \xff utf-8"},
	{SourceID: "del \x7f"},
	{SourceID: "s", Extra: map[string]string{"b": "2", "a": "<1>"}},
}

// marshalMetadata writes exactly the bytes of encoding/json.
func TestMetadataJSON_Marshal(t *testing.T) {
	for _, m := range metadataCases {
		want, err := json.Marshal(&m)
		if err != nil {
			t.Fatal(err)
		}
		got, err := marshalMetadata(&m)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != string(want) {
			t.Errorf("marshalMetadata(%+v)\n got %s\nwant %s", m, got, want)
		}
	}
}

// unmarshalMetadata reads what encoding/json reads, and fails where it
// fails.
func TestMetadataJSON_Unmarshal(t *testing.T) {
	inputs := []string{
		`{}`, `{"source_id":"a","correlation_id":"b"}`, `{ "source_id" : "a" }`,
		`{"Source_ID":"case"}`, `{"source_id":"a","source_id":"b"}`, `{"unknown":"x","actor_id":"u"}`,
		`{"source_id":null}`, `{"source_id":"esc\"aped\u0041"}`, `{"source_id":"a",}`, `{"source_id":"a"`,
		`{"source_id":1}`, `{"extra":{"k":"v"}}`, `{"source_id":"a"}x`, `[]`, ``, `{"source_id":"` + "\xff" + `"}`,
		`{"source_id":"ü"}`, `{"source_id":"` + "\x01" + `"}`, `{,}`, `{"a"}`,
	}
	for _, m := range metadataCases {
		b, _ := json.Marshal(&m)
		inputs = append(inputs, string(b))
	}
	for _, in := range inputs {
		checkUnmarshalMetadata(t, []byte(in))
	}
}

func checkUnmarshalMetadata(t *testing.T, data []byte) {
	t.Helper()
	var want, got Metadata
	wantErr := json.Unmarshal(data, &want)
	gotErr := unmarshalMetadata(data, &got)
	if (gotErr == nil) != (wantErr == nil) {
		t.Fatalf("unmarshalMetadata(%q): err = %v, encoding/json: %v", data, gotErr, wantErr)
	}
	if wantErr == nil {
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("unmarshalMetadata(%q) (-encoding/json +got):\n%s", data, diff)
		}
	}
}

func FuzzUnmarshalMetadata(f *testing.F) {
	for _, m := range metadataCases {
		b, _ := json.Marshal(&m)
		f.Add(b)
	}
	f.Add([]byte(`{"source_id":"a","source_id":"b"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		checkUnmarshalMetadata(t, data)
	})
}

func FuzzMarshalMetadata(f *testing.F) {
	f.Add("s", "c", "p", "u", "g", "e")
	f.Add("<&>", "\"\\", "\x00", "\u2028", "\xff", "")
	f.Fuzz(func(t *testing.T, source, correlation, causation, actor, guild, id string) {
		m := Metadata{SourceID: source, CorrelationID: correlation, CausationID: causation, ActorID: actor, GuildID: guild, EventID: id}
		want, _ := json.Marshal(&m)
		got, err := marshalMetadata(&m)
		if err != nil || string(got) != string(want) {
			t.Fatalf("marshalMetadata(%+v) = %s, %v; want %s", m, got, err, want)
		}
		var back Metadata
		if err := unmarshalMetadata(got, &back); err != nil {
			t.Fatal(err)
		}
		var wantBack Metadata
		json.Unmarshal(want, &wantBack)
		if diff := cmp.Diff(wantBack, back); diff != "" {
			t.Fatalf("round trip (-encoding/json +got):\n%s", diff)
		}
	})
}
