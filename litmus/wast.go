package litmus

type wastCheck struct{}
