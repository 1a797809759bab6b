package mapping

import (
	"sync"
	"testing"
)

// TestFoldKeyConcurrent folds keys from several goroutines at once; under
// -race it fails if the diacritic-removing transformer is shared.
func TestFoldKeyConcurrent(t *testing.T) {
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 200 {
				if got := foldKey("Kod pocztowy Łódź żółć"); got != "kod pocztowy lodz zolc" {
					t.Errorf("foldKey = %q", got)
					return
				}
			}
		})
	}
	wg.Wait()
}
