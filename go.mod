module github.com/falco-anomalydetection/anomalydetection

go 1.24
