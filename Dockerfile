# polgraph: a static binary on a distroless, non-root base.
#   docker build -t polgraph .
#   docker run -p 127.0.0.1:8080:8080 polgraph            (embedded store, demo data)
# With Neo4j, see docker-compose.yml.

FROM golang:1.26-alpine AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/polgraph ./cmd/polgraph

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/polgraph /usr/local/bin/polgraph
USER nonroot:nonroot
# The embedded store's directory, when no POLGRAPH_STORE is given.
ENV POLGRAPH_DATA=/home/nonroot/data
EXPOSE 8080
ENTRYPOINT ["/usr/local/bin/polgraph"]
# The container listens beyond its loopback; publish it on the host's
# loopback (as above), or create keys and drop --allow-anonymous-writes.
CMD ["serve", "--addr", "0.0.0.0:8080", "--demo", "--allow-anonymous-writes"]
