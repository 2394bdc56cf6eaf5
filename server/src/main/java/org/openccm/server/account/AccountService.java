// SPDX-License-Identifier: Apache-2.0
package org.openccm.server.account;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.openccm.server.account.AccountRepository.Account;
import org.openccm.server.account.AccountRepository.Membership;
import org.openccm.server.account.InvitationRepository.Invitation;
import org.openccm.server.account.ApiKeyRepository.ApiKey;
import org.openccm.server.account.UserRepository.User;
import org.openccm.server.identity.Actor;
import org.openccm.server.audit.AuditLog;
import org.openccm.server.error.Conflict;
import org.openccm.server.error.FieldRules;
import org.openccm.server.error.InvalidField;
import org.openccm.server.error.Forbidden;
import org.openccm.server.error.NotFound;
import org.openccm.server.error.Unauthenticated;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;
import org.openccm.server.identity.BearerCredentials;
import org.openccm.server.identity.Caller;
import org.openccm.server.identity.Role;

/** Log-in, sessions, accounts, members and API keys. */
@Service
public class AccountService implements BearerCredentials {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(AccountService.class);
    private final UserRepository users;
    private final AccountRepository accounts;
    private final SessionRepository sessions;
    private final ApiKeyRepository apiKeys;
    private final SessionTokens tokens;
    private final AuditLog audit;
    private final org.springframework.context.ApplicationEventPublisher events;
    private final Clock clock;
    private final Duration tokenTtl;
    private final Duration sessionMax;
    private final LoginThrottle throttle;
    private final InvitationRepository invitations;
    private static final Duration INVITATION_LIFETIME = Duration.ofDays(14);
    // bcrypt through Spring's delegating encoder: the "{bcrypt}" prefix lets the algorithm be upgraded later.
    private final PasswordEncoder passwords = PasswordEncoderFactories.createDelegatingPasswordEncoder();
    // Checked against when the email is unknown, so a wrong email costs as long as a wrong password.
    private final String unknownUserHash = passwords.encode(Credentials.randomSecret());

    AccountService(
            UserRepository users,
            AccountRepository accounts,
            SessionRepository sessions,
            ApiKeyRepository apiKeys,
            SessionTokens tokens,
            AuditLog audit,
            org.springframework.context.ApplicationEventPublisher events,
            Clock clock,
            @Value("${openccm.auth.token-ttl}") Duration tokenTtl,
            @Value("${openccm.auth.session-max:PT12H}") Duration sessionMax,
            LoginThrottle throttle,
            InvitationRepository invitations) {
        this.throttle = throttle;
        this.invitations = invitations;
        this.users = users;
        this.accounts = accounts;
        this.sessions = sessions;
        this.apiKeys = apiKeys;
        this.tokens = tokens;
        this.audit = audit;
        this.events = events;
        this.clock = clock;
        this.tokenTtl = tokenTtl;
        this.sessionMax = sessionMax.compareTo(tokenTtl) < 0 ? tokenTtl : sessionMax;
    }

    /**
     * {@code expiresAt}: when the token stops working unless the session is refreshed; {@code sessionExpiresAt}: the
     * latest a refresh can take it to (Fortanix's session_token_expires_at and session_expires_at).
     */
    public record LoggedIn(String accessToken, UUID userId, UUID selectedAccountId, Instant expiresAt, Instant sessionExpiresAt) {}

    /**
     * Checks the password and opens a session; an account is selected at once when the user has only one. Failed
     * attempts from {@code source} (the client's address) count towards the {@link LoginThrottle}'s limits.
     */
    @Transactional
    public LoggedIn logIn(String email, String password, String source) {
        throttle.check(email, source);
        Optional<User> user = users.findByEmail(email);
        String hash = user.map(User::passwordHash).orElse(unknownUserHash);
        if (!passwords.matches(password, hash) || user.isEmpty()) {
            throttle.failed(email, source);
            throw new Unauthenticated("invalid email or password");
        }
        throttle.succeeded(email);
        Instant now = clock.instant();
        Instant expires = now.plus(tokenTtl);
        // The token is signed to live as long as the session may be refreshed to; the session row decides each use.
        Instant sessionEnd = now.plus(sessionMax);
        List<Membership> memberships = accounts.membershipsOf(user.get().id());
        UUID selected = memberships.size() == 1 ? memberships.getFirst().account().id() : null;
        UUID sessionId = UUID.randomUUID();
        sessions.insert(sessionId, user.get().id(), selected, now, expires);
        users.recordLogin(user.get().id(), now);
        return new LoggedIn(tokens.issue(user.get().id(), sessionId, now, sessionEnd), user.get().id(), selected, expires, sessionEnd);
    }

    /** Resolves a bearer credential (session token or API key) to the caller, or empty when it is not valid. */
    @Override
    public Optional<Caller> authenticate(String bearer) {
        Instant now = clock.instant();
        if (bearer.startsWith(Credentials.API_KEY_PREFIX)) {
            return apiKeys.findActiveBySecret(Credentials.sha256(bearer)).flatMap(key -> {
                // The key never outranks its creator, and dies with the creator's membership.
                Optional<Role> creatorRole = users.roleIn(key.accountId(), key.createdBy());
                Optional<User> creator = users.findById(key.createdBy());
                if (creatorRole.isEmpty() || creator.isEmpty()) {
                    return Optional.empty();
                }
                apiKeys.recordUse(key.id(), now);
                return Optional.of(new Caller(
                        creator.get().id(),
                        creator.get().email(),
                        key.accountId(),
                        Role.lower(key.role(), creatorRole.get()),
                        null,
                        key.id()));
            });
        }
        return tokens.verify(bearer, now)
                .flatMap(claims -> sessions.findLive(claims.sessionId(), now))
                .flatMap(session -> users.findById(session.userId()).map(user -> {
                    UUID account = session.selectedAccountId();
                    Role role = account == null ? null : users.roleIn(account, user.id()).orElse(null);
                    return new Caller(user.id(), user.email(), role == null ? null : account, role, session.id(), null);
                }));
    }

    @Transactional
    public Membership selectAccount(Caller caller, UUID accountId) {
        if (caller.sessionId() == null) {
            throw new InvalidField("account-id", "an API key is bound to its account; only sessions select accounts");
        }
        Membership membership =
                accounts.membership(caller.userId(), accountId).orElseThrow(() -> new NotFound("account", accountId));
        sessions.selectAccount(caller.sessionId(), accountId);
        return membership;
    }

    public Optional<SessionRepository.Session> session(Caller caller) {
        return caller.sessionId() == null ? Optional.empty() : sessions.findLive(caller.sessionId(), clock.instant());
    }

    /** The session's new expiry: token-ttl from now, never past created + session-max. Sessions only (not API keys). */
    public SessionRepository.Session refresh(Caller caller) {
        Instant now = clock.instant();
        SessionRepository.Session session = session(caller)
                .orElseThrow(() -> new org.openccm.server.error.Unauthenticated("only a live log-in session can be refreshed"));
        Instant end = session.createdAt().plus(sessionMax);
        Instant expires = now.plus(tokenTtl).isAfter(end) ? end : now.plus(tokenTtl);
        if (!sessions.extend(session.id(), now, expires)) {
            throw new org.openccm.server.error.Unauthenticated("the session ended");
        }
        return new SessionRepository.Session(session.id(), session.userId(), session.selectedAccountId(), session.createdAt(), expires);
    }

    public Instant sessionEnd(SessionRepository.Session session) {
        return session.createdAt().plus(sessionMax);
    }

    public void terminate(Caller caller) {
        if (caller.sessionId() != null) {
            sessions.terminate(caller.sessionId(), clock.instant());
        }
    }

    public List<Membership> memberships(Caller caller) {
        return accounts.membershipsOf(caller.userId());
    }

    public Membership membership(Caller caller, UUID accountId) {
        return accounts.membership(caller.userId(), accountId).orElseThrow(() -> new NotFound("account", accountId));
    }

    /**
     * What concerns the user rather than one account is done by the user in a session of their own: an API key acts
     * in its account with its role, and must not reach the other accounts of the user who made it.
     */
    private static void requireSession(Caller caller, String what) {
        if (caller.sessionId() == null) {
            throw new Forbidden("only a user logged in with a session " + what + "; an API key acts in its own account only");
        }
    }

    /** Any user may open a new account; they become its first ADMIN. */
    @Transactional
    public Membership createAccount(Caller caller, String name) {
        requireSession(caller, "creates an account");
        String trimmed = accountName(name);
        if (accounts.nameTaken(caller.userId(), trimmed)) {
            throw new Conflict("name", "you have an account named '" + trimmed + "' already");
        }
        Account account = new Account(UUID.randomUUID(), trimmed, clock.instant());
        accounts.insert(account, caller.userId());
        users.addMember(account.id(), caller.userId(), Role.ADMIN, account.createdAt());
        audit.append(account.id(), caller.actor(), "account.created", "account", account.id(), Map.of("name", trimmed));
        events.publishEvent(new AccountCreated(account.id(), account.name()));
        return new Membership(account, Role.ADMIN);
    }

    /** Renames an account the caller is ADMIN of (names stay unique among its owner's accounts). */
    @Transactional
    public Membership renameAccount(Caller caller, UUID accountId, String name) {
        requireSession(caller, "renames an account");
        Membership membership = membership(caller, accountId);
        if (membership.role() != Role.ADMIN) {
            throw new Forbidden("only an ADMIN of the account renames it");
        }
        if (name == null) {
            return membership;
        }
        String trimmed = accountName(name);
        if (accounts.nameTakenByAnother(accountId, trimmed)) {
            throw new Conflict("name", "the account's owner has an account named '" + trimmed + "' already");
        }
        accounts.rename(accountId, trimmed);
        audit.append(accountId, caller.actor(), "account.renamed", "account", accountId,
                Map.of("from", membership.account().name(), "to", trimmed));
        return membership(caller, accountId);
    }

    /**
     * Deletes an account the caller is ADMIN of with everything in it: apps, images, tasks, nodes, certificates, its
     * CA, registries, zones, API keys, memberships and its audit chain. deleted_accounts keeps who deleted it, when,
     * and the chain's last link (seq and hash), against which an exported copy of the chain can be checked. Its
     * workload certificates are not revoked: the CA and its CRL go with the account, so relying parties drop the CA.
     */
    @Transactional
    public void deleteAccount(Caller caller, UUID accountId) {
        requireSession(caller, "deletes an account");
        Membership membership = membership(caller, accountId);
        if (membership.role() != Role.ADMIN) {
            throw new Forbidden("only an ADMIN of the account deletes it");
        }
        Instant now = clock.instant();
        accounts.delete(membership.account(), now, caller.userId(), user(caller).email());
        log.info("account {} ('{}') deleted by user {}", accountId, membership.account().name(), caller.userId());
    }

    /**
     * A user deletes themself (Fortanix's DELETE /v1/users/{id}): they leave every account, their sessions end and
     * their e-mail, names and password are forgotten; the row stays for the votes, tasks and audit entries that name
     * it. Refused while they are the last ADMIN of an account that others use (the account would have nobody to run
     * it): they hand it over or delete it first. An account they are the only member of is deleted with them.
     */
    @Transactional
    public void deleteUser(Caller caller, UUID userId) {
        requireSession(caller, "deletes a user");
        if (!caller.userId().equals(userId)) {
            // Any other id, whether a user has it or not: the same refusal, which tells nothing about the id.
            throw new Forbidden("a user deletes only themself (Fortanix: the logged-in user); an ADMIN removes a member from"
                    + " an account with DELETE /v1/users/{id}/accounts");
        }
        User me = user(caller);
        Instant now = clock.instant();
        List<Membership> memberships = accounts.membershipsOf(userId);
        List<String> blocking = new java.util.ArrayList<>();
        List<Membership> alone = new java.util.ArrayList<>();
        for (Membership m : memberships) {
            if (m.role() != Role.ADMIN) {
                continue;
            }
            List<UUID> admins = users.lockAdmins(m.account().id());
            if (admins.size() <= 1) {
                if (users.countMembers(m.account().id()) <= 1) {
                    alone.add(m);
                } else {
                    blocking.add(m.account().name() + " (" + m.account().id() + ")");
                }
            }
        }
        if (!blocking.isEmpty()) {
            throw new Conflict("user-id", "you are the last ADMIN of " + String.join(", ", blocking)
                    + ": make another member ADMIN or delete the account first");
        }
        for (Membership m : memberships) {
            if (alone.contains(m)) {
                accounts.delete(m.account(), now, userId, me.email());
            } else {
                users.removeMember(m.account().id(), userId);
                audit.append(m.account().id(), caller.actor(), "user.deleted", "user", userId, Map.of("email", me.email()));
            }
        }
        sessions.terminateAllOf(userId, now);
        users.forget(userId, passwords.encode(Credentials.randomSecret()), now);
        log.info("user {} deleted themself", userId);
    }

    /**
     * Self-signup (Fortanix's {@code POST /v1/users} without a session), when the operator turned it on: a user with
     * no account, who may then create one or accept invitations. It tells whether an e-mail has an account (a 409),
     * as every signup form does, which is one reason it is off by default; it does not verify the address either.
     */
    @Transactional
    public User signUp(String email, String password, String firstName, String lastName) {
        String checkedEmail = Credentials.email("user_email", email);
        String checkedPassword = Credentials.password("user_password", password);
        String first = FieldRules.text("first_name", firstName, 100);
        String last = FieldRules.text("last_name", lastName, 100);
        Optional<User> existing = users.findByEmail(checkedEmail);
        if (existing.isPresent() && users.invitedOnly(existing.get().id())
                && users.claim(existing.get().id(), passwords.encode(checkedPassword), first, last)) {
            // Invited before signing up: the invitations wait for this user.
            log.info("self-signup: invited user {} signed up", existing.get().id());
            return users.findById(existing.get().id()).orElseThrow();
        }
        if (existing.isPresent()) {
            throw new Conflict("user_email", "a user with this e-mail exists: log in with POST /v1/sys/auth");
        }
        User user = new User(UUID.randomUUID(), checkedEmail, passwords.encode(checkedPassword), first, last, clock.instant(), null);
        try {
            users.insert(user);
        } catch (org.springframework.dao.DuplicateKeyException raced) {
            throw new Conflict("user_email", "a user with this e-mail exists: log in with POST /v1/sys/auth");
        }
        log.info("self-signup: user {} created", user.id());
        return user;
    }

    public record NewMember(String email, String password, String firstName, String lastName, Role role) {}

    /** What adding a member answers, the same whether the e-mail was known or not. */
    /** {@code userId}: the e-mail's user, made now (invited only) when the e-mail had none, so it tells nothing either. */
    public record MemberRequested(String email, Role role, UUID accountId, UUID userId) {}

    /**
     * Adds a member to the caller's account without telling the caller anything about other tenants' users. A new
     * e-mail with a password creates the user, a member at once (the admin made that identity). An e-mail that exists
     * already, or one without a password, gets an invitation that the user accepts or declines after logging in; the
     * existing user's password and names are never touched, and the answer is the same in every case.
     */
    @Transactional
    public MemberRequested addMember(Caller caller, NewMember request) {
        UUID account = caller.account();
        String email = Credentials.email("user_email", request.email());
        if (request.role() == null) {
            throw new InvalidField("role", "required: one of " + List.of(Role.values()));
        }
        // Checked before the e-mail is looked up: a refusal must not depend on whether the user exists.
        String password = request.password() == null ? null : Credentials.password("password", request.password());
        String first = FieldRules.text("first_name", request.firstName(), 100);
        String last = FieldRules.text("last_name", request.lastName(), 100);
        Optional<User> existing = users.findByEmail(email);
        if (existing.isPresent() && users.roleIn(account, existing.get().id()).isPresent()) {
            throw new Conflict("user_email", email + " is a member of this account already"); // the caller's own members
        }
        UUID userId;
        // An invited-only user may hold other tenants' invitations: an ADMIN here does not get to set its password
        // (and so become it), it is invited like any existing user; only the person, signing up, takes it over.
        if (existing.isEmpty() && password != null) {
            userId = UUID.randomUUID();
            users.insert(new User(userId, email, passwords.encode(password), first, last, clock.instant(), null));
            users.addMember(account, userId, request.role(), clock.instant());
            audit.append(account, caller.actor(), "member.added", "user", userId, Map.of("email", email, "role", request.role()));
        } else {
            if (existing.isPresent()) {
                userId = existing.get().id();
            } else {
                userId = users.insertInvitedOnly(email, unknownUserHash, clock.instant());
            }
            invite(caller, email, request.role());
        }
        return new MemberRequested(email, request.role(), account, userId);
    }

    private void invite(Caller caller, String email, Role role) {
        Instant now = clock.instant();
        UUID id = invitations.upsert(caller.account(), email, role, caller.userId(), now, now.plus(INVITATION_LIFETIME));
        audit.append(caller.account(), caller.actor(), "member.invited", "invitation", id, Map.of("email", email, "role", role));
    }

    /** The caller's own pending invitations. */
    public List<Invitation> invitations(Caller caller) {
        return invitations.pendingFor(user(caller).email(), clock.instant());
    }

    /** The caller accepts (becomes a member with the invited role) or declines an invitation addressed to them. */
    @Transactional
    public Invitation answerInvitation(Caller caller, UUID invitationId, boolean accept) {
        Invitation invitation = invitations(caller).stream().filter(i -> i.id().equals(invitationId)).findFirst()
                .orElseThrow(() -> new NotFound("invitation", invitationId));
        invitations.delete(invitationId);
        User me = user(caller);
        if (accept && users.roleIn(invitation.accountId(), me.id()).isEmpty()) {
            users.addMember(invitation.accountId(), me.id(), invitation.role(), clock.instant());
        }
        audit.append(invitation.accountId(), caller.actor(), accept ? "member.invitation_accepted" : "member.invitation_declined", "user", me.id(),
                Map.of("email", me.email(), "role", invitation.role()));
        return invitation;
    }

    /** A member of the caller's account; not found for anyone else (other tenants' users are never told of). */
    public UserRepository.Member member(Caller caller, UUID userId) {
        return users.member(caller.account(), userId).orElseThrow(() -> new NotFound("user", userId));
    }

    /**
     * Fortanix's UpdateUserRequest: a user changes their own names; an ADMIN changes a member's role. An account
     * always keeps one ADMIN.
     */
    @Transactional
    public UserRepository.Member updateMember(Caller caller, UUID userId, String firstName, String lastName, Role role) {
        UserRepository.Member member = member(caller, userId);
        boolean self = caller.userId().equals(userId);
        if (!self && caller.role() != Role.ADMIN) {
            throw new Forbidden("only an ADMIN changes other members");
        }
        if ((firstName != null || lastName != null)) {
            if (!self) {
                throw new Forbidden("only the user themself changes their names");
            }
            users.setNames(userId,
                    firstName == null ? member.user().firstName() : FieldRules.text("first_name", firstName, 100),
                    lastName == null ? member.user().lastName() : FieldRules.text("last_name", lastName, 100));
        }
        if (role != null && role != member.role()) {
            if (caller.role() != Role.ADMIN) {
                throw new Forbidden("only an ADMIN changes roles");
            }
            List<UUID> admins = users.lockAdmins(caller.account());
            if (member.role() == Role.ADMIN && admins.size() <= 1) {
                throw new Conflict("roles", "the account's last ADMIN keeps that role; make another member ADMIN first");
            }
            users.setRole(caller.account(), userId, role);
            audit.append(caller.account(), caller.actor(), "member.role_changed", "user", userId,
                    Map.of("email", member.user().email(), "from", member.role(), "to", role));
        }
        return member(caller, userId);
    }

    /** Removes a member from the caller's account (an ADMIN, or the member leaving); its last ADMIN stays. */
    @Transactional
    public void removeMember(Caller caller, UUID userId) {
        UserRepository.Member member = member(caller, userId);
        if (!caller.userId().equals(userId) && caller.role() != Role.ADMIN) {
            throw new Forbidden("only an ADMIN removes other members");
        }
        List<UUID> admins = users.lockAdmins(caller.account());
        if (member.role() == Role.ADMIN && admins.size() <= 1) {
            throw new Conflict("user-id", "the account's last ADMIN cannot leave it");
        }
        users.removeMember(caller.account(), userId);
        // Its API keys in this account stop working with the membership (they never outlive their creator's role).
        audit.append(caller.account(), caller.actor(), "member.removed", "user", userId, Map.of("email", member.user().email()));
    }

    /**
     * The accounts of a user: all of them for the user themself; for an ADMIN asking about a member of the selected
     * account, only the accounts both share where the caller is ADMIN (other tenants' accounts are never told of).
     */
    public List<Membership> membershipsOf(Caller caller, UUID userId) {
        if (caller.userId().equals(userId)) {
            return accounts.membershipsOf(userId);
        }
        if (caller.role() != Role.ADMIN || users.roleIn(caller.account(), userId).isEmpty()) {
            throw new NotFound("user", userId);
        }
        java.util.Set<UUID> administered = accounts.membershipsOf(caller.userId()).stream()
                .filter(m -> m.role() == Role.ADMIN)
                .map(m -> m.account().id())
                .collect(java.util.stream.Collectors.toSet());
        return accounts.membershipsOf(userId).stream().filter(m -> administered.contains(m.account().id())).toList();
    }

    public List<UserRepository.Member> members(Caller caller, int limit, int offset) {
        return users.members(caller.account(), limit, offset);
    }

    public int countMembers(Caller caller) {
        return users.countMembers(caller.account());
    }

    public User user(Caller caller) {
        return users.findById(caller.userId()).orElseThrow(() -> new Unauthenticated("user no longer exists"));
    }

    public record CreatedApiKey(ApiKey key, String secret) {}

    @Transactional
    public CreatedApiKey createApiKey(Caller caller, String name, Role role) {
        UUID account = caller.account();
        if (name == null || name.isBlank() || name.length() > 100) {
            throw new InvalidField("name", "required, at most 100 characters");
        }
        if (role == null) {
            throw new InvalidField("role", "required: one of " + List.of(Role.values()));
        }
        if (!caller.role().includes(role)) {
            throw new InvalidField("role", "cannot exceed your own role " + caller.role());
        }
        String secret = Credentials.API_KEY_PREFIX + Credentials.randomSecret();
        ApiKey key = new ApiKey(UUID.randomUUID(), account, caller.userId(), name.trim(), role, clock.instant(), null, null);
        apiKeys.insert(key, Credentials.sha256(secret));
        audit.append(account, caller.actor(), "api_key.created", "api_key", key.id(),
                Map.of("name", key.name(), "role", role));
        return new CreatedApiKey(key, secret);
    }

    public List<ApiKey> apiKeys(Caller caller) {
        return apiKeys.list(caller.account());
    }

    @Transactional
    public void revokeApiKey(Caller caller, UUID id) {
        UUID account = caller.account();
        if (apiKeys.revoke(account, id, clock.instant())) {
            audit.append(account, caller.actor(), "api_key.revoked", "api_key", id, Map.of());
        } else if (!apiKeys.exists(account, id)) {
            throw new NotFound("api key", id);
        }
    }

    /** Creates the first account and its admin when the database has no user at all; used once, on first start. */
    @Transactional
    public boolean bootstrapFirstAdmin(String email, String password) {
        users.lockFirstStart();
        if (!users.isEmpty()) {
            return false;
        }
        String checkedEmail = Credentials.email("OPENCCM_ADMIN_EMAIL", email);
        String checkedPassword = Credentials.password("OPENCCM_ADMIN_PASSWORD", password);
        Instant now = clock.instant();
        Account account = new Account(UUID.randomUUID(), "Default", now);
        User admin = new User(UUID.randomUUID(), checkedEmail, passwords.encode(checkedPassword), null, null, now, null);
        users.insert(admin);
        accounts.insert(account, admin.id());
        users.addMember(account.id(), admin.id(), Role.ADMIN, now);
        audit.append(account.id(), Actor.SYSTEM, "account.created", "account", account.id(),
                Map.of("name", account.name(), "first_admin", checkedEmail));
        events.publishEvent(new AccountCreated(account.id(), account.name()));
        return true;
    }

    private static String accountName(String name) {
        if (name == null || name.isBlank()) {
            throw new InvalidField("name", "required");
        }
        String trimmed = name.trim();
        if (trimmed.length() > 100) {
            throw new InvalidField("name", "must have at most 100 characters");
        }
        return trimmed;
    }
}
