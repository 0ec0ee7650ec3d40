//! The admin subcommands (`parlour-server project …`), parsed by clap as part of [`Config`];
//! the work is done by the plain functions in [`crate::admin`].
//!
//! [`Config`]: crate::config::Config

use clap::Subcommand;

use crate::security::identity::IdentityMode;

/// What to do instead of serving.
#[derive(Debug, Clone, PartialEq, Eq, Subcommand)]
pub enum Command {
    /// Manage projects (the database is `--database-url`).
    #[command(subcommand)]
    Project(ProjectCommand),
}

/// `parlour-server project …`.
#[derive(Debug, Clone, PartialEq, Eq, Subcommand)]
pub enum ProjectCommand {
    /// Creates a project (prints its identity secret once when identity is on).
    Add {
        /// The public id, as in `<chat-widget project-id="…">`.
        id: String,
        /// The display name (also the widget's title).
        #[arg(long)]
        name: String,
        /// An allowed domain (`example.com`, `*.example.com`, `https://shop.example.com`,
        /// `localhost:3000`); repeat for more. None = any origin.
        #[arg(long = "domain")]
        domains: Vec<String>,
        /// End-user identity verification: off, optional or required.
        #[arg(long, default_value = "off")]
        identity: IdentityMode,
    },
    /// Changes a project; only the options given change.
    Set {
        /// The project.
        id: String,
        /// A new display name.
        #[arg(long)]
        name: Option<String>,
        /// Replaces the allowed domains with these (repeat for more).
        #[arg(long = "domain", conflicts_with = "any_domain")]
        domains: Vec<String>,
        /// Allows any origin (clears the allowed domains).
        #[arg(long)]
        any_domain: bool,
        /// End-user identity verification: off, optional or required.
        #[arg(long)]
        identity: Option<IdentityMode>,
        /// Switches the project on (`true`) or off (`false`).
        #[arg(long)]
        active: Option<bool>,
        /// Away mode (`true`/`false`, on by default): when no agent is online, the widget asks
        /// for the visitor's email after their first message.
        #[arg(long)]
        away_mode: Option<bool>,
        /// The pre-chat form as JSON, e.g. `{"enabled":true,"fields":[{"key":"name","label":"Name",
        /// "kind":"text","required":true},{"key":"email","label":"Email","kind":"email"}]}`
        /// (kinds: text, email, tel, textarea; `name` and `email` are the built-in keys).
        #[arg(long)]
        pre_chat_json: Option<String>,
    },
    /// Makes a new identity secret current and prints it once; the previous one stays valid
    /// until the next rotation, so hosts can switch without downtime.
    RotateSecret {
        /// The project.
        id: String,
    },
    /// Prints a project's settings (never its secrets).
    Show {
        /// The project.
        id: String,
    },
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    use super::*;
    use crate::config::Config;

    fn parse(args: &[&str]) -> Result<Option<Command>, clap::Error> {
        Config::try_parse_from(std::iter::once("parlour-server").chain(args.iter().copied())).map(|c| c.command)
    }

    #[test]
    fn project_add_reads_repeated_domains_and_the_identity_mode() {
        let command = parse(&["project", "add", "shop", "--name", "Shop", "--domain", "shop.example.com", "--domain", "*.example.com", "--identity", "required"]);
        assert_eq!(
            command.unwrap(),
            Some(Command::Project(ProjectCommand::Add {
                id: "shop".into(),
                name: "Shop".into(),
                domains: vec!["shop.example.com".into(), "*.example.com".into()],
                identity: IdentityMode::Required,
            }))
        );
    }

    #[test]
    fn the_database_flag_may_follow_the_subcommand() {
        let config = Config::try_parse_from(["parlour-server", "project", "show", "demo", "--database-url", "sqlite://x.db"]).unwrap();
        assert_eq!(config.database_url, "sqlite://x.db");
        assert_eq!(config.command, Some(Command::Project(ProjectCommand::Show { id: "demo".into() })));
    }

    #[test]
    fn bad_admin_arguments_are_refused() {
        assert!(parse(&["project", "add", "shop"]).is_err(), "--name is required");
        assert!(parse(&["project", "add", "shop", "--name", "S", "--identity", "maybe"]).is_err());
        assert!(parse(&["project", "set", "shop", "--domain", "a.com", "--any-domain"]).is_err());
        assert!(parse(&["project", "rotate-secret"]).is_err());
    }
}
