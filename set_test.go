package eventstore_test

import (
	"encoding/json"
	"testing"

	es "github.com/gamebot/eventstore"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

func TestSet_JSON(t *testing.T) {
	for _, tt := range []struct {
		name string
		in   es.Set[string]
		want string
	}{
		{"nil", nil, `[]`},
		{"empty", es.NewSet[string](), `[]`},
		{"sorted", es.NewSet("c", "a", "b", "a"), `["a","b","c"]`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			b, err := json.Marshal(tt.in)
			if err != nil || string(b) != tt.want {
				t.Fatalf("Marshal = %s, %v; want %s", b, err, tt.want)
			}
			var got es.Set[string]
			if err := json.Unmarshal(b, &got); err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.in, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("round trip (-want +got):\n%s", diff)
			}
		})
	}
}

func TestSet_Ints(t *testing.T) {
	b, err := json.Marshal(es.NewSet(10, -2, 3))
	if err != nil || string(b) != `[-2,3,10]` {
		t.Fatalf("Marshal = %s, %v", b, err)
	}
	var got es.Set[int]
	if err := json.Unmarshal([]byte(`[3, 3, 1]`), &got); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]int{1, 3}, got.Sorted()); diff != "" {
		t.Errorf("Sorted (-want +got):\n%s", diff)
	}
	if err := json.Unmarshal([]byte(`[1.5]`), &got); err == nil {
		t.Error("Unmarshal([1.5]) into Set[int] succeeded")
	}
}

func TestSet_Null(t *testing.T) {
	s := es.NewSet("x")
	if err := json.Unmarshal([]byte(`null`), &s); err != nil || s != nil {
		t.Fatalf("Unmarshal(null) = %v, %v; want nil set", s, err)
	}
	if s.Has("x") || s.Len() != 0 {
		t.Error("nil set has members")
	}
}

func TestSet_AddToNil(t *testing.T) {
	var s es.Set[string]
	s.Add("b")
	s.Add("a")
	if diff := cmp.Diff([]string{"a", "b"}, s.Sorted()); diff != "" {
		t.Errorf("Sorted (-want +got):\n%s", diff)
	}
}
