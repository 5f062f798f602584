//! The database schema, written by hand with column types portable to SQLite and PostgreSQL.
//! Keep in step with `migrations/{sqlite,postgres}`.

diesel::table! {
    centers (id) {
        id -> BigInt,
        slug -> Text,
        ref_prefix -> Text,
        name_ko -> Text,
        name_en -> Text,
        region_ko -> Text,
        region_en -> Text,
        timezone -> Text,
        sort_order -> Integer,
        reminder_lead_hours -> Integer,
        no_show_limit -> Integer,
        no_show_months -> Integer,
        no_show_block_weeks -> Integer,
        confirm_days -> Text,
    }
}

diesel::table! {
    no_show_lifts (id) {
        id -> BigInt,
        center_id -> BigInt,
        case_id -> BigInt,
        lifted_at -> Timestamp,
        lifted_by -> BigInt,
        reason -> Text,
    }
}

diesel::table! {
    zone_kinds (code) {
        code -> Text,
        name_ko -> Text,
        name_en -> Text,
        summary_ko -> Text,
        summary_en -> Text,
        sort_order -> Integer,
    }
}

diesel::table! {
    finance_institutions (id) {
        id -> BigInt,
        code -> Text,
        name_ko -> Text,
        name_en -> Text,
    }
}

diesel::table! {
    zones (id) {
        id -> BigInt,
        center_id -> BigInt,
        kind -> Text,
        active -> Bool,
    }
}

diesel::table! {
    schedule_rules (id) {
        id -> BigInt,
        zone_id -> BigInt,
        weekday -> SmallInt,
        start_time -> Time,
        end_time -> Time,
        slot_minutes -> Integer,
        seats -> Integer,
        institution_id -> Nullable<BigInt>,
    }
}

diesel::table! {
    users (id) {
        id -> BigInt,
        center_id -> Nullable<BigInt>,
        email -> Text,
        display_name -> Text,
        role -> Text,
        zone_id -> Nullable<BigInt>,
        password_hash -> Text,
        disabled_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        password_token_hash -> Nullable<Text>,
        password_token_expires_at -> Nullable<Timestamp>,
        feed_token_hash -> Nullable<Text>,
    }
}

diesel::table! {
    sessions (id_hash) {
        id_hash -> Text,
        user_id -> BigInt,
        created_at -> Timestamp,
        last_seen_at -> Timestamp,
        expires_at -> Timestamp,
    }
}

diesel::table! {
    login_failures (id) {
        id -> BigInt,
        email_key -> Text,
        ip -> Text,
        at -> Timestamp,
    }
}

diesel::table! {
    reference_counters (center_id, year) {
        center_id -> BigInt,
        year -> Integer,
        last_value -> Integer,
    }
}

diesel::table! {
    cases (id) {
        id -> BigInt,
        center_id -> BigInt,
        reference -> Text,
        status -> Text,
        version -> BigInt,
        lang -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        applicant_token_hash -> Nullable<Text>,
        draft_expires_at -> Nullable<Timestamp>,
        submitted_at -> Nullable<Timestamp>,
        anonymised_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    case_answers (case_id) {
        case_id -> BigInt,
        company_name -> Nullable<Text>,
        brn -> Nullable<Text>,
        representative -> Nullable<Text>,
        founded_on -> Nullable<Date>,
        employees -> Nullable<Integer>,
        industry -> Nullable<Text>,
        stage -> Nullable<Text>,
        revenue_band -> Nullable<Text>,
        region -> Nullable<Text>,
        contact_name -> Nullable<Text>,
        contact_email -> Nullable<Text>,
        contact_phone -> Nullable<Text>,
        question -> Nullable<Text>,
        preferred_weekdays -> Text,
        preferred_time -> Nullable<Text>,
        finance_amount_won -> Nullable<BigInt>,
        finance_purpose -> Nullable<Text>,
        transfer_direction -> Nullable<Text>,
        consent_version -> Nullable<Text>,
        consented_at -> Nullable<Timestamp>,
        third_party_consent -> Bool,
        third_party_consented_at -> Nullable<Timestamp>,
        steps_done -> Text,
        resume_mail_sent -> Bool,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    case_topics (case_id, topic) {
        case_id -> BigInt,
        topic -> Text,
    }
}

diesel::table! {
    routing_rules (id) {
        id -> BigInt,
        center_id -> BigInt,
        topic -> Text,
        zone_kind -> Text,
        institution_code -> Nullable<Text>,
        condition -> Nullable<Text>,
        priority -> Integer,
    }
}

diesel::table! {
    case_zones (case_id, zone_kind) {
        case_id -> BigInt,
        zone_kind -> Text,
        is_primary -> Bool,
        institution_code -> Nullable<Text>,
        explanation_ko -> Text,
        explanation_en -> Text,
        sort_order -> Integer,
    }
}

diesel::table! {
    appointments (id) {
        id -> BigInt,
        case_id -> BigInt,
        zone_id -> BigInt,
        starts_at -> Timestamp,
        ends_at -> Timestamp,
        status -> Text,
        institution_id -> Nullable<BigInt>,
        ticket_number -> Nullable<Integer>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        seat_no -> Integer,
        checked_in_at -> Nullable<Timestamp>,
        called_at -> Nullable<Timestamp>,
        call_count -> Integer,
        requeued_at -> Nullable<Timestamp>,
        confirmed_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    case_events (id) {
        id -> BigInt,
        case_id -> BigInt,
        at -> Timestamp,
        actor_kind -> Text,
        actor_user_id -> Nullable<BigInt>,
        event -> Text,
        from_status -> Text,
        to_status -> Text,
        reason -> Nullable<Text>,
    }
}

diesel::table! {
    email_outbox (id) {
        id -> BigInt,
        message_id -> Text,
        case_id -> Nullable<BigInt>,
        kind -> Text,
        locale -> Text,
        to_addr -> Text,
        subject -> Text,
        body_text -> Text,
        body_html -> Nullable<Text>,
        attachment_name -> Nullable<Text>,
        attachment_type -> Nullable<Text>,
        attachment_body -> Nullable<Text>,
        visit_key -> Nullable<Text>,
        not_after -> Nullable<Timestamp>,
        status -> Text,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        lease_token -> Nullable<Text>,
        lease_until -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
        created_at -> Timestamp,
        sent_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    case_documents (id) {
        id -> BigInt,
        case_id -> BigInt,
        kind -> Text,
        original_name -> Text,
        stored_name -> Text,
        content_type -> Text,
        size_bytes -> BigInt,
        sha256 -> Text,
        uploaded_at -> Timestamp,
    }
}

diesel::table! {
    zone_policies (zone_id) {
        zone_id -> BigInt,
        min_notice_minutes -> Integer,
        horizon_days -> Integer,
        buffer_minutes -> Integer,
        reschedule_cutoff_minutes -> Integer,
        cancel_cutoff_minutes -> Integer,
    }
}

diesel::table! {
    consultations (id) {
        id -> BigInt,
        case_id -> Nullable<BigInt>,
        center_id -> BigInt,
        zone_id -> BigInt,
        company -> Nullable<Text>,
        brn -> Nullable<Text>,
        appointment_id -> Nullable<BigInt>,
        expert_user_id -> Nullable<BigInt>,
        started_at -> Timestamp,
        completed_at -> Nullable<Timestamp>,
        consulted_on -> Nullable<Date>,
        institution_id -> Nullable<BigInt>,
        product -> Nullable<Text>,
        executed_won -> Nullable<BigInt>,
        executed_on -> Nullable<Date>,
        advice_type -> Nullable<Text>,
        patents_transferred -> Nullable<Integer>,
        notes -> Nullable<Text>,
        summary -> Nullable<Text>,
        follow_up_on -> Nullable<Date>,
        follow_up_done_at -> Nullable<Timestamp>,
        referred_to -> Nullable<Text>,
        source -> Text,
        import_key -> Nullable<Text>,
    }
}

diesel::table! {
    /// Running totals for the reports, kept by triggers (migration 10).
    consultation_totals (level, bucket, measure, center_id, zone_id) {
        measure -> Text,
        level -> Text,
        bucket -> Date,
        center_id -> BigInt,
        zone_id -> BigInt,
        consultations -> BigInt,
        patents -> BigInt,
        executed_won -> BigInt,
    }
}

diesel::table! {
    ticket_counters (center_id, day) {
        center_id -> BigInt,
        day -> Date,
        last_value -> Integer,
    }
}

diesel::table! {
    access_log (id) {
        id -> BigInt,
        user_id -> BigInt,
        case_id -> Nullable<BigInt>,
        at -> Timestamp,
        action -> Text,
        detail -> Nullable<Text>,
        purpose -> Text,
    }
}

diesel::table! {
    policy_versions (id) {
        id -> BigInt,
        center_id -> BigInt,
        label -> Text,
        effective_at -> Timestamp,
        wording -> Text,
        retention_years -> Integer,
        officer -> Text,
        phone -> Text,
        email -> Text,
        address_ko -> Text,
        address_en -> Text,
    }
}

diesel::table! {
    activity_figures (center_id, month, figure) {
        center_id -> BigInt,
        month -> Date,
        figure -> Text,
        value -> BigInt,
        updated_at -> Timestamp,
        updated_by -> Nullable<BigInt>,
    }
}

diesel::table! {
    submission_figures (submission_id, figure) {
        submission_id -> BigInt,
        figure -> Text,
        value -> BigInt,
    }
}

diesel::table! {
    report_submissions (id) {
        id -> BigInt,
        center_id -> BigInt,
        month -> Date,
        version -> Integer,
        submitted_at -> Timestamp,
        submitted_by -> BigInt,
        reason -> Nullable<Text>,
        legal -> BigInt,
        finance -> BigInt,
        finance_won -> BigInt,
        ip -> BigInt,
        patents -> BigInt,
    }
}

diesel::table! {
    rights_requests (id) {
        id -> BigInt,
        case_id -> BigInt,
        center_id -> BigInt,
        kind -> Text,
        body -> Text,
        requested_at -> Timestamp,
        due_on -> Date,
        status -> Text,
        answered_at -> Nullable<Timestamp>,
        answered_by -> Nullable<BigInt>,
        answer -> Nullable<Text>,
        token_hash -> Nullable<Text>,
    }
}

diesel::table! {
    rate_hits (id) {
        id -> BigInt,
        bucket -> Text,
        at -> Timestamp,
    }
}

diesel::table! {
    import_rows (id) {
        id -> BigInt,
        batch -> BigInt,
        center_id -> BigInt,
        zone_kind -> Text,
        consulted_on -> Date,
        consulted_at -> Timestamp,
        company -> Nullable<Text>,
        brn -> Nullable<Text>,
        institution_id -> Nullable<BigInt>,
        executed_won -> Nullable<BigInt>,
        executed_on -> Nullable<Date>,
        patents_transferred -> Nullable<Integer>,
        import_key -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    closures (id) {
        id -> BigInt,
        center_id -> BigInt,
        zone_id -> Nullable<BigInt>,
        expert_user_id -> Nullable<BigInt>,
        starts_on -> Date,
        ends_on -> Date,
        reason -> Text,
        created_by -> Nullable<BigInt>,
        created_at -> Timestamp,
    }
}

diesel::joinable!(zone_policies -> zones (zone_id));
diesel::joinable!(consultations -> zones (zone_id));
diesel::table! {
    center_contacts (center_id) {
        center_id -> BigInt,
        address_ko -> Text,
        address_en -> Text,
        place_ko -> Text,
        place_en -> Text,
        phone -> Text,
        email -> Text,
        directions_ko -> Text,
        directions_en -> Text,
        bring_ko -> Text,
        bring_en -> Text,
        latitude -> Nullable<Double>,
        longitude -> Nullable<Double>,
        sample -> Bool,
        updated_at -> Nullable<Timestamp>,
        updated_by -> Nullable<BigInt>,
        privacy_officer -> Text,
        retention_years -> Integer,
    }
}

diesel::joinable!(center_contacts -> centers (center_id));
diesel::joinable!(closures -> centers (center_id));
diesel::joinable!(case_documents -> cases (case_id));
diesel::joinable!(zones -> centers (center_id));
diesel::joinable!(zones -> zone_kinds (kind));
diesel::joinable!(schedule_rules -> zones (zone_id));
diesel::joinable!(schedule_rules -> finance_institutions (institution_id));
diesel::joinable!(users -> centers (center_id));
diesel::joinable!(users -> zones (zone_id));
diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(cases -> centers (center_id));
diesel::joinable!(appointments -> cases (case_id));
diesel::joinable!(appointments -> zones (zone_id));
diesel::joinable!(case_events -> cases (case_id));
diesel::joinable!(case_answers -> cases (case_id));
diesel::joinable!(case_topics -> cases (case_id));
diesel::joinable!(case_zones -> cases (case_id));
diesel::joinable!(routing_rules -> centers (center_id));

diesel::table! {
    center_changes (id) {
        id -> BigInt,
        center_id -> BigInt,
        user_id -> Nullable<BigInt>,
        at -> Timestamp,
        kind -> Text,
        zone_id -> Nullable<BigInt>,
        detail -> Text,
    }
}

diesel::table! {
    provisions (id) {
        id -> BigInt,
        case_id -> BigInt,
        user_id -> BigInt,
        institution_id -> Nullable<BigInt>,
        at -> Timestamp,
        items -> Text,
    }
}

diesel::table! {
    consent_changes (id) {
        id -> BigInt,
        case_id -> BigInt,
        kind -> Text,
        given -> Bool,
        version -> Text,
        at -> Timestamp,
        actor_kind -> Text,
    }
}

diesel::table! {
    destructions (id) {
        id -> BigInt,
        center_id -> Nullable<BigInt>,
        at -> Timestamp,
        kind -> Text,
        records -> BigInt,
        rule -> Text,
        done_by -> Text,
    }
}

diesel::allow_tables_to_appear_in_same_query!(
    access_log,
    policy_versions,
    report_submissions,
    activity_figures,
    no_show_lifts,
    submission_figures,
    rights_requests,
    destructions,
    provisions,
    consent_changes,
    center_changes,
    rate_hits,
    import_rows,
    consultations,
    consultation_totals,
    ticket_counters,
    centers,
    zone_kinds,
    finance_institutions,
    zones,
    schedule_rules,
    users,
    sessions,
    login_failures,
    reference_counters,
    cases,
    appointments,
    case_events,
    email_outbox,
    case_answers,
    case_topics,
    routing_rules,
    case_zones,
    case_documents,
    zone_policies,
    closures,
    center_contacts,
);
