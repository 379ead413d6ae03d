package cli

import (
	"context"
	"fmt"
)

// migrator is a store with a schema to bring up to date (the Neo4j store).
type migrator interface {
	Migrate(ctx context.Context) error
}

func migrateCommand() Command {
	return Command{
		Name:    "migrate",
		Args:    "",
		Summary: "create the store's constraints and indexes if missing (idempotent; --store neo4j://...)",
		Options: []string{"store", "data", "log-level", "log-format"},
		Run: func(ctx context.Context, env *Env, args []string) (err error) {
			if len(args) > 0 {
				return fmt.Errorf("%w: migrate takes no arguments", ErrUsage)
			}
			_, store, err := env.OpenService(ctx)
			if err != nil {
				return err
			}
			defer closeStore(store, &err)
			m, ok := store.(migrator)
			if !ok {
				fmt.Fprintln(env.Stdout, "this store has no schema to migrate")
				return nil
			}
			if err := m.Migrate(ctx); err != nil {
				return err
			}
			fmt.Fprintln(env.Stdout, "schema up to date: constraints and indexes present and online")
			return nil
		},
	}
}
