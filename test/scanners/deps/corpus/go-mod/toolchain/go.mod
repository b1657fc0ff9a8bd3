module example.com/app

go 1.21

toolchain go1.21.5

require (
	github.com/gin-gonic/gin v1.9.1
	golang.org/x/net v0.17.0 // indirect
)

require github.com/stretchr/testify v1.8.4

replace github.com/stretchr/testify => github.com/stretchr/testify v1.8.3

exclude golang.org/x/crypto v0.0.1
