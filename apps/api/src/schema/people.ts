/** People, roles, tokens, sign-in and the audit log over GraphQL (the rights: access.ts). */
import {
  Arg,
  Ctx,
  Field,
  FieldResolver,
  ID,
  InputType,
  Int,
  Mutation,
  ObjectType,
  Query,
  Resolver,
  Root,
  registerEnumType,
} from "type-graphql";
import type { Caller } from "../auth/caller.ts";
import { badInput } from "../input.ts";
import { type ApiTokenRow, ROLES, type Role, type UserRow } from "../store/index.ts";
import { enumOf } from "./common.ts";
import type { Context } from "./context.ts";

export const RoleEnum = enumOf(ROLES);
registerEnumType(RoleEnum, {
  name: "Role",
  description: "VIEWER reads; EDITOR also creates, and changes its own; ADMIN changes anything, people and tokens.",
});

@ObjectType()
export class User {
  @Field(() => ID) id!: string;
  @Field(() => String) name!: string;
  @Field(() => RoleEnum) role!: Role;
  @Field(() => String) createdAt!: string;
  @Field(() => Boolean, { description: "Whether the user can sign in to the dashboard with a password." })
  hasPassword!: boolean;
}

@ObjectType()
export class ApiToken {
  @Field(() => ID) id!: string;
  @Field(() => String) name!: string;
  /** Resolved from userId. */
  userId!: string;
  @Field(() => String) createdAt!: string;
  @Field(() => String, { nullable: true }) lastUsedAt!: string | null;
  @Field(() => Boolean) revoked!: boolean;
}

@ObjectType({ description: "A new token: the secret is shown here once and never again." })
export class CreatedApiToken {
  @Field(() => String) token!: string;
  @Field(() => ApiToken) apiToken!: ApiToken;
}

@ObjectType({ description: "A dashboard session: send token as the bearer token until expiresAt." })
export class SignInResult {
  @Field(() => String) token!: string;
  @Field(() => User) user!: User;
  @Field(() => String) expiresAt!: string;
}

@ObjectType()
export class AuditEntry {
  @Field(() => ID) id!: string;
  @Field(() => String) at!: string;
  @Field(() => String) user!: string;
  @Field(() => String, { description: "The mutation." }) action!: string;
  @Field(() => String, { nullable: true, description: "What it acted on: an id or a name." }) target!: string | null;
}

@InputType()
export class CreateUserInput {
  @Field(() => String) name!: string;
  @Field(() => RoleEnum) role!: Role;
  @Field(() => String, { nullable: true, description: "For dashboard sign-in; at least 10 characters." })
  password?: string | null;
}

@InputType()
export class CreateApiTokenInput {
  @Field(() => String, { description: 'What it is for, e.g. "CI" or "laptop".' }) name!: string;
  @Field(() => String, { nullable: true, description: "Whose token (admins only); default yourself." })
  user?: string | null;
}

export function toUser(u: UserRow): User {
  return {
    id: u.id,
    name: u.name,
    role: u.role as Role,
    createdAt: u.created_at,
    hasPassword: u.password_hash !== null,
  };
}

function toToken(t: ApiTokenRow): ApiToken {
  return {
    id: t.id,
    name: t.name,
    userId: t.user_id,
    createdAt: t.created_at,
    lastUsedAt: t.last_used_at,
    revoked: t.revoked_at !== null,
  };
}

/** The caller of a field that access.ts lets through only signed in. */
const signedIn = (ctx: Context) => ctx.caller as Caller;

@Resolver(() => ApiToken)
export class ApiTokenResolver {
  @FieldResolver(() => User)
  async user(@Root() t: ApiToken, @Ctx() ctx: Context): Promise<User> {
    return toUser(await ctx.services.people.userById(t.userId));
  }
}

@Resolver()
export class PeopleResolver {
  @Query(() => User, {
    nullable: true,
    description: "Who the request's token or session belongs to (null: anonymous).",
  })
  async me(@Ctx() ctx: Context): Promise<User | null> {
    return ctx.caller ? toUser(await ctx.services.people.userById(ctx.caller.userId)) : null;
  }

  @Query(() => [User], { description: "Everyone (admins)." })
  async users(@Ctx() ctx: Context): Promise<User[]> {
    return (await ctx.services.people.users()).map(toUser);
  }

  @Query(() => [ApiToken], { description: "Your personal tokens (an admin: everyone's), newest first." })
  async apiTokens(@Ctx() ctx: Context): Promise<ApiToken[]> {
    return (await ctx.services.people.tokens(signedIn(ctx))).map(toToken);
  }

  @Query(() => [AuditEntry], { description: "Successful mutations, newest first (admins)." })
  async auditLog(
    @Ctx() ctx: Context,
    @Arg("first", () => Int, { defaultValue: 100 }) first: number,
    @Arg("after", () => String, { nullable: true, description: "The id of the last entry of the previous page." })
    after: string | null,
  ): Promise<AuditEntry[]> {
    if (!Number.isInteger(first) || first < 1 || first > 1000) throw badInput("first", "must be in [1, 1000]");
    if (after != null && !/^\d{1,15}$/.test(after)) throw badInput("after", `"${after}" is not an audit entry id`);
    const rows = await ctx.services.store.audit.list(first, after == null ? null : Number(after));
    return rows.map((r) => ({ id: String(r.id), at: r.at, user: r.user_name, action: r.action, target: r.target }));
  }

  @Mutation(() => User)
  async createUser(@Arg("input", () => CreateUserInput) input: CreateUserInput, @Ctx() ctx: Context): Promise<User> {
    return toUser(await ctx.services.people.createUser(input));
  }

  @Mutation(() => User)
  async setUserRole(
    @Arg("name", () => String) name: string,
    @Arg("role", () => RoleEnum) role: Role,
    @Ctx() ctx: Context,
  ): Promise<User> {
    return toUser(await ctx.services.people.setRole(name, role));
  }

  @Mutation(() => CreatedApiToken, { description: "A personal token; its secret is in the answer and nowhere else." })
  async createApiToken(
    @Arg("input", () => CreateApiTokenInput) input: CreateApiTokenInput,
    @Ctx() ctx: Context,
  ): Promise<CreatedApiToken> {
    const { token, row } = await ctx.services.people.createToken(signedIn(ctx), input);
    return { token, apiToken: toToken(row) };
  }

  @Mutation(() => ApiToken, { description: "Takes effect from the next request on." })
  async revokeApiToken(@Arg("id", () => ID) id: string, @Ctx() ctx: Context): Promise<ApiToken> {
    return toToken(await ctx.services.people.revokeToken(id));
  }

  @Mutation(() => SignInResult, { description: "A name and password give a dashboard session token." })
  async signIn(
    @Arg("name", () => String) name: string,
    @Arg("password", () => String) password: string,
    @Ctx() ctx: Context,
  ): Promise<SignInResult> {
    const s = await ctx.services.people.signIn(name, password);
    return { token: s.token, user: toUser(s.user), expiresAt: s.expiresAt };
  }

  @Mutation(() => SignInResult, {
    description: "A one-time sign-in code (the link `npm start` prints) gives a session.",
  })
  async redeemSignInCode(@Arg("code", () => String) code: string, @Ctx() ctx: Context): Promise<SignInResult> {
    const s = await ctx.services.people.redeemSignInCode(code);
    return { token: s.token, user: toUser(s.user), expiresAt: s.expiresAt };
  }

  @Mutation(() => Boolean, {
    description: "Ends this dashboard session (false for a personal or the bootstrap token).",
  })
  signOut(@Ctx() ctx: Context): Promise<boolean> {
    return ctx.services.people.signOut(signedIn(ctx));
  }
}
